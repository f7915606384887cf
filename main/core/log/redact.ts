// Scrubs secrets from anything about to be logged: by field name, by known secret value, and by config syntax.

const SECRET_KEY = /(private|preshared|password|passwd|secret|token|api[-_]?key|authorization|cookie)/i;
// "PrivateKey = ...", "PresharedKey=..." inside wg-quick text that ends up in a message.
const WG_KEY_LINE = /((?:Private|Preshared)Key\s*=\s*)\S+/gi;
export const REDACTED = '[redacted]';

/**
 * Known secret values this long are scrubbed wherever they appear, even inside a longer word (a key in a URL).
 * Shorter ones (a 4-digit PIN) are scrubbed as whole tokens only: not next to a letter or digit on a side where the
 * value itself starts or ends with one. Scrubbing "1234" inside "port 51234" would mangle the log and, worse,
 * point at the secret through the pattern of the holes it leaves.
 */
const ANYWHERE_FROM = 8;

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;
const ALNUM = /[\p{L}\p{N}]/u;

function tokenPattern(value: string): string {
  const body = value.replace(REGEX_SYNTAX, '\\$&');
  const before = ALNUM.test(value[0]!) ? '(?<![\\p{L}\\p{N}])' : '';
  const after = ALNUM.test(value.at(-1)!) ? '(?![\\p{L}\\p{N}])' : '';
  return `${before}${body}${after}`;
}

export class Redactor {
  /** Longest first, so a secret that contains another one is scrubbed whole. */
  private anywhere: string[] = [];
  private readonly tokens = new Set<string>();
  private tokenRegex: RegExp | null = null;

  /** Remembers a secret value so it is scrubbed wherever it appears, whatever the field is called. */
  addSecret(value: string): void {
    // A blank value cannot be told apart from the log's own spacing; redacting it would only blank the log.
    if (value.trim().length === 0) return;
    if (value.length >= ANYWHERE_FROM) {
      if (!this.anywhere.includes(value)) this.anywhere = [...this.anywhere, value].sort((a, b) => b.length - a.length);
      return;
    }
    if (this.tokens.has(value)) return;
    this.tokens.add(value);
    const alternatives = [...this.tokens].sort((a, b) => b.length - a.length).map(tokenPattern);
    this.tokenRegex = new RegExp(alternatives.join('|'), 'gu');
  }

  redactString(s: string): string {
    let out = s.replace(WG_KEY_LINE, `$1${REDACTED}`);
    for (const v of this.anywhere) if (out.includes(v)) out = out.split(v).join(REDACTED);
    if (this.tokenRegex) out = out.replace(this.tokenRegex, REDACTED);
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
