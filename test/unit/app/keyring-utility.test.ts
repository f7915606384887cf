// The tray app's keyring calls through a utility process: a helper that never answers (a keyring waiting at its
// unlock prompt) is killed at the timeout and reported as such; one that dies is reported, not waited for.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { utilityKeyringCall, type KeyringHelperProcess } from '../../../main/app/secrets/keyring-utility.js';

class SilentHelper extends EventEmitter implements KeyringHelperProcess {
  killed = false;
  received: unknown[] = [];
  postMessage(message: unknown): void {
    this.received.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

const opts = { service: 'Jett 0123456789ab', platform: 'linux' as const, timeoutMs: 200 };

describe('utilityKeyringCall', () => {
  it('kills a helper that never answers and reports the timeout', async () => {
    const helper = new SilentHelper();
    const reply = await utilityKeyringCall(() => helper)([{ op: 'get', name: 'postgres.password' }], opts);
    expect(reply).toEqual({ ok: false, kind: 'timeout', message: 'the keyring did not answer within 0.2 s (it is probably locked and waiting at an unlock prompt)' });
    expect(helper.killed).toBe(true);
    expect(helper.received).toEqual([expect.objectContaining({ service: 'Jett 0123456789ab', linuxStore: 'secret-service', ops: [{ op: 'get', name: 'postgres.password' }] })]);
  });

  it('reports a helper that exits without an answer', async () => {
    const helper = new SilentHelper();
    const call = utilityKeyringCall(() => {
      setImmediate(() => helper.emit('exit', 1));
      return helper;
    });
    expect(await call([{ op: 'get', name: 'postgres.password' }], { ...opts, timeoutMs: 60_000 })).toEqual({ ok: false, kind: 'refused', message: 'the keyring helper process failed (exit 1)' });
  });
});
