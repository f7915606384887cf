// The custom protocol the window is served from (jett://app/...): files of the built renderer only, each with
// the strict CSP, never a path outside that folder. A factory, so tests call the handler with plain Requests.
import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_SCHEME } from '../../core/contracts/ipc.js';
import { CAPTURE_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY } from './csp.js';

/** Registered before `ready`: standard and secure, so the window gets a real origin; no CSP bypass, no fetch API. */
export const APP_SCHEME_PRIVILEGES = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, bypassCSP: false, corsEnabled: false, stream: false } },
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

function refuse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': CONTENT_SECURITY_POLICY } });
}

/** The handler for `protocol.handle(APP_SCHEME, ...)`, serving files under `root` (the built renderer). */
export function createAppProtocolHandler(root: string, readFile: (file: string) => Promise<Buffer> = (f) => fs.readFile(f)) {
  const base = path.resolve(root);
  return async (request: Request): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(400, 'bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== 'app' || request.method !== 'GET') return refuse(404, 'not found');
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(base, `.${rel}`);
    // A "..", an encoded separator or an absolute path must not leave the renderer's folder.
    if (file !== base && !file.startsWith(base + path.sep)) return refuse(403, 'forbidden');
    const type = TYPES[path.extname(file)];
    if (!type) return refuse(404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return refuse(404, 'not found');
    }
    // The capture page alone may play media, and only from blob: URLs; every other file keeps the window's policy.
    const policy = file === path.join(base, 'capture.html') ? CAPTURE_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': type,
        'content-security-policy': policy,
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      },
    });
  };
}
