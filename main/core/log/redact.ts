// Scrubs secrets from anything about to be logged: by field name, by known secret value, and by config syntax.

const SECRET_KEY = /(private|preshared|password|passwd|secret|token|api[-_]?key|authorization|cookie)/i;
// "PrivateKey = ...", "PresharedKey=..." inside wg-quick text that ends up in a message.
const WG_KEY_LINE = /((?:Private|Preshared)Key\s*=\s*)\S+/gi;
export const REDACTED = '[redacted]';

export class Redactor {
  private readonly values = new Set<string>();

  /** Remembers a secret value so it is scrubbed wherever it appears, whatever the field is called. */
  addSecret(value: string): void {
    if (value.length >= 8) this.values.add(value);
  }

  redactString(s: string): string {
    let out = s.replace(WG_KEY_LINE, `$1${REDACTED}`);
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** A deep copy of `value` fit for a log line. Errors keep their name and message, scrubbed too. */
  redact(value: unknown, depth = 0): unknown {
    if (depth > 8) return '[deep]';
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Error) {
      return { name: value.name, message: this.redactString(value.message), ...this.redactObject(value, depth) };
    }
    if (Array.isArray(value)) return value.map((v) => this.redact(v, depth + 1));
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    return this.redactObject(value as Record<string, unknown>, depth);
  }

  private redactObject(obj: object, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && typeof v !== 'boolean' ? REDACTED : this.redact(v, depth + 1);
    }
    return out;
  }
}
