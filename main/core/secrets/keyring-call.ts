// Runs keyring operations in a child process that is killed on timeout: a locked Secret Service with a display opens
// an unlock prompt and waits forever, @napi-rs/keyring's sync API would freeze the event loop and its async API
// ignores abort, so only a separate process that can be killed keeps the agent responsive.
import { createRequire } from 'node:module';
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

/**
 * The child's program, given as `-e` text (it holds no secret; requests and answers travel on stdin and stdout).
 * keyring-rs reports a missing platform as "Platform failure: ..." and a store that exists but will not serve as
 * "Couldn't access platform storage: ..."; the child sorts them by that prefix, before the message leaves it.
 */
const CHILD = `
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', () => {
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const reply = (o) => process.stdout.write(JSON.stringify(o));
  let k;
  try { k = require(req.module); } catch (e) { return reply({ ok: false, kind: 'absent', message: 'the keyring binding does not load: ' + e.message }); }
  const opts = req.linuxStore ? { linux: { store: req.linuxStore } } : undefined;
  const results = [];
  try {
    for (const op of req.ops) {
      const entry = new k.Entry(req.service, op.name, opts);
      if (op.op === 'get') results.push(entry.getPassword());
      else if (op.op === 'set') { entry.setPassword(op.value); results.push(null); }
      else results.push(entry.deletePassword());
    }
    reply({ ok: true, results });
  } catch (e) {
    const message = String(e && e.message || e);
    reply({ ok: false, kind: /^Platform failure/.test(message) ? 'absent' : 'refused', message });
  }
});
`;

const bindingPath = (): string => createRequire(import.meta.url).resolve('@napi-rs/keyring');

export const childKeyringCall: KeyringCall = async (ops, opts) => {
  const request = {
    module: bindingPath(),
    service: opts.service,
    // Secret Service only: keyring-rs would otherwise fall back to the kernel keyring, which a reboot empties.
    linuxStore: opts.platform === 'linux' ? 'secret-service' : undefined,
    ops,
  };
  const r = await execa(process.execPath, ['-e', CHILD], {
    reject: false,
    input: JSON.stringify(request),
    // Electron's binary runs as plain Node with this; for Node itself it means nothing.
    env: { ...(opts.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
    extendEnv: false,
    timeout: opts.timeoutMs,
    killSignal: 'SIGKILL',
    stripFinalNewline: false,
  });
  if (r.timedOut) {
    return { ok: false, kind: 'timeout', message: `the keyring did not answer within ${Math.round(opts.timeoutMs / 1000)} s (it is probably locked and waiting at an unlock prompt)` };
  }
  try {
    return JSON.parse(String(r.stdout)) as KeyringReply;
  } catch {
    // Never quote stdout: it may hold a secret that was read before the child failed.
    return { ok: false, kind: 'refused', message: `the keyring helper process failed (exit ${r.exitCode ?? r.signal ?? 'unknown'})` };
  }
};
