// Sync errors and the classification of a failed push or pull: what backs off, what is a gap, what needs the user.
import { errorMessage } from '../contracts/errors.js';
import { JettError } from '../errors.js';
import { TunnelDownError } from '../tunnel/vps-guard.js';

export class SyncError extends JettError {}

export type FailureKind = 'transient' | 'gap' | 'setup';

export interface Failure {
  kind: FailureKind;
  /** SQLSTATE or Node error code, when there is one. */
  code: string | null;
  message: string;
  /** The fix a JettError (a missing secret, a failed migration) already names. */
  fix?: string;
}

// Serialization failure, deadlock, admin shutdown, crash shutdown, cannot connect now, statement timeout, lock timeout.
const TRANSIENT_CODES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '57014', '55P03']);
// Connection exceptions (08), insufficient resources (53), system errors (58).
const TRANSIENT_CLASSES = new Set(['08', '53', '58']);

function sqlstate(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

function lastSeqIn(err: unknown, code: string): number | null {
  if (sqlstate(err) !== code) return null;
  const detail = Number((err as { detail?: unknown }).detail);
  return Number.isSafeInteger(detail) ? detail : null;
}

/** The server's last_seq when a push was refused because this database went back in time (JT002), else null. */
export function seqsTakenAbove(err: unknown): number | null {
  return lastSeqIn(err, 'JT002');
}

/** The server's last_seq when a push was refused for a gap (JT001: the server went back in time), else null. */
export function gapAbove(err: unknown): number | null {
  return lastSeqIn(err, 'JT001');
}

/**
 * A failure of a whole push or pull call. Rows the server refuses for good (22xxx, 23xxx, 42501) never get here:
 * the server function rejects them one by one. A call that fails with a SQLSTATE outside the transient list
 * (wrong password, missing schema, no permission to run the function) needs the user, but it is retried with the
 * same backoff, so the queue resumes by itself once it is fixed.
 */
export function classifyFailure(err: unknown): Failure {
  const message = errorMessage(err);
  const state = sqlstate(err);
  if (state === 'JT001') return { kind: 'gap', code: state, message };
  if (state) {
    const transient = TRANSIENT_CODES.has(state) || TRANSIENT_CLASSES.has(state.slice(0, 2));
    return { kind: transient ? 'transient' : 'setup', code: state, message };
  }
  // Refused by the tunnel guard: it passes by itself once the tunnel is up (tunnel-up retries at once).
  if (err instanceof TunnelDownError) return { kind: 'transient', code: err.code, message, fix: err.fix };
  if (err instanceof JettError) return { kind: 'setup', code: null, message, fix: err.fix };
  // No SQLSTATE: the connection failed, was reset or timed out (ECONNREFUSED, ECONNRESET, "Connection terminated", ...).
  const code = (err as { code?: unknown } | null)?.code;
  return { kind: 'transient', code: typeof code === 'string' ? code : null, message };
}

export function fixFor(f: Failure): string {
  if (f.fix) return f.fix;
  switch (f.kind) {
    case 'gap':
      return 'the VPS database is missing events that this desktop has already pruned (was it restored from a backup?); the rows are kept: see the README section on sync';
    case 'setup':
      return 'check postgres.host/port/database/user (`jett config list`), the secret postgres.password, and `jett doctor`';
    case 'transient':
      return 'it is retried automatically; check the tunnel if it persists';
  }
}

/** Full-jitter exponential backoff: a uniform delay in [0, min(cap, base * 2^(failures-1))). */
export function backoffDelayMs(failures: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}
