// UUIDv7 event ids: a millisecond timestamp in front, so ids sort by creation and index well on the server.
import { randomUUID } from 'node:crypto';

let cachedMs = -1;
let cachedPrefix = '';

export function uuidv7(nowMs: number): string {
  const ms = Math.floor(nowMs);
  // Appends come in bursts within one millisecond: format its timestamp once.
  if (ms !== cachedMs) {
    const ts = ms.toString(16).padStart(12, '0');
    cachedPrefix = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7`;
    cachedMs = ms;
  }
  // randomUUID() is a v4 from a pooled CSPRNG; keep its random bits and variant, put the time and version 7 in front.
  const r = randomUUID();
  return cachedPrefix + r.slice(15);
}
