// Runs keyring operations in a child process that is killed on timeout: a locked Secret Service with a display opens
// an unlock prompt and waits forever, @napi-rs/keyring's sync API would freeze the event loop and its async API
// ignores abort, so only a separate process that can be killed keeps the agent responsive.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { SecretName } from '../contracts/secrets.js';

export type KeyringOp = { op: 'get'; name: SecretName } | { op: 'set'; name: SecretName; value: string } | { op: 'delete'; name: SecretName };

/**
 * `absent`: no keyring answers at all (no D-Bus session, no Secret Service); `refused`: one exists but is locked,
 * has no collection to write to, or refused us; `timeout`: it did not answer in time (a prompt waits for a user).
 */
export type KeyringFailure = { kind: 'absent' | 'refused' | 'timeout'; message: string };
export type KeyringReply = { ok: true; results: (string | boolean | null)[] } | ({ ok: false } & KeyringFailure);

export interface KeyringCallOptions {
  service: string;
  platform: NodeJS.Platform;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** One batch of operations against the keyring; never throws for the keyring's own failures, returns them. */
export type KeyringCall = (ops: KeyringOp[], opts: KeyringCallOptions) => Promise<KeyringReply>;

/** The helper program, a plain file beside this one (the app's build copies it next to its bundle). */
export const KEYRING_CHILD = fileURLToPath(new URL('./keyring-child.cjs', import.meta.url));

const bindingPath = (): string => createRequire(import.meta.url).resolve('@napi-rs/keyring');

/** What the helper is asked: the binding to load (resolved here, where node_modules is known), the entries, the ops. */
export function keyringRequest(ops: KeyringOp[], opts: KeyringCallOptions) {
  return {
    module: bindingPath(),
    service: opts.service,
    // Secret Service only: keyring-rs would otherwise fall back to the kernel keyring, which a reboot empties.
    linuxStore: opts.platform === 'linux' ? 'secret-service' : undefined,
    ops,
  };
}

export const timedOut = (timeoutMs: number): KeyringReply => ({
  ok: false,
  kind: 'timeout',
  message: `the keyring did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s (it is probably locked and waiting at an unlock prompt)`,
});

export const helperFailed = (exit: unknown): KeyringReply => ({ ok: false, kind: 'refused', message: `the keyring helper process failed (exit ${String(exit)})` });

/** For `jett` and the agent: the helper as a Node child process, killed at the timeout. */
export const childKeyringCall: KeyringCall = async (ops, opts) => {
  const r = await execa(process.execPath, [KEYRING_CHILD], {
    reject: false,
    input: JSON.stringify(keyringRequest(ops, opts)),
    env: opts.env ?? process.env,
    extendEnv: false,
    timeout: opts.timeoutMs,
    killSignal: 'SIGKILL',
    stripFinalNewline: false,
  });
  if (r.timedOut) return timedOut(opts.timeoutMs);
  try {
    return JSON.parse(String(r.stdout)) as KeyringReply;
  } catch {
    // Never quote stdout: it may hold a secret that was read before the child failed.
    return helperFailed(r.exitCode ?? r.signal ?? 'unknown');
  }
};
