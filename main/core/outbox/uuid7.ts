// UUIDv7 event ids: a millisecond timestamp in front, so ids sort by creation and index well on the server.
import { randomUUID } from 'node:crypto';

export function uuidv7(nowMs: number): string {
  // randomUUID() is a v4 from a pooled CSPRNG; keep its random bits and variant, put the time and version 7 in front.
  const r = randomUUID();
  const ts = Math.floor(nowMs).toString(16).padStart(12, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${r.slice(15, 18)}-${r.slice(19)}`;
}
