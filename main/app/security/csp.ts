// The window's Content-Security-Policy: only its own scripts and styles, no inline code, no network, no frames.
// The same string is sent as a header by the protocol handler and checked against renderer/index.html's meta tag.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The capture page's policy: no styles or images, and media from blob: URLs only (the reply's WAV pieces). */
export const CAPTURE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  'media-src blob:',
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
