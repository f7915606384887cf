// What a webhook's refusal says, made fit to show: n8n's JSON error ({"error"}, {"message"}, {"error":{"message"}},
// with the field it names) or a short text, bounded, on one printable line, with the token scrubbed if echoed back.
import { REDACTED } from '../log/redact.js';

/** At most this much of an answer is read: the reason is one line, and a hostile server gets no more memory. */
export const REFUSAL_READ_BYTES = 4096;
/** The longest reason shown (status line, log, event). */
export const REFUSAL_REASON_CHARS = 200;

const BEARER = /\bBearer\s+\S+/gi;
// Control characters (terminal escapes included) and the Unicode line and bidirectional controls that reorder text.
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

function messageOf(json: unknown): string | null {
  if (typeof json === 'string') return json;
  if (!json || typeof json !== 'object') return null;
  const o = json as Record<string, unknown>;
  const nested = o.error && typeof o.error === 'object' ? messageOf(o.error) : null;
  const text = nested ?? [o.error, o.message].find((v): v is string => typeof v === 'string') ?? null;
  if (text === null) return null;
  // A field named beside the message (n8n's answers name it in `field`) is shown when the message does not say it.
  const field = typeof o.field === 'string' ? o.field : null;
  return field && !text.includes(field) ? `${field}: ${text}` : text;
}

/** One safe line: the secret and any bearer value scrubbed, unprintables made spaces, at most REFUSAL_REASON_CHARS. */
export function sanitizeReason(text: string, secret: string | null): string {
  let out = text;
  if (secret) out = out.split(secret).join(REDACTED);
  out = out.replace(BEARER, `Bearer ${REDACTED}`).replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim();
  return out.length > REFUSAL_REASON_CHARS ? `${out.slice(0, REFUSAL_REASON_CHARS - 1)}…` : out;
}

/** The reason a non-2xx answer gives, e.g. `HTTP 400: interval_s: expected a whole number from 1 to 3600`. */
export function refusalReason(status: number, body: Buffer, secret: string | null): string {
  const text = body.toString('utf8');
  let said: string | null = null;
  try {
    said = messageOf(JSON.parse(text));
  } catch {
    // Not JSON: a text answer (a proxy's error page) is still a reason; a binary one (NULs, invalid UTF-8 before the
    // cut at REFUSAL_READ_BYTES) is not.
    said = /[\u0000\ufffd]/.test(text.replace(/\ufffd+$/, '')) ? null : text;
  }
  const reason = said === null ? '' : sanitizeReason(said, secret);
  return reason ? `the webhook answered HTTP ${status}: ${reason}` : `the webhook answered HTTP ${status}`;
}
