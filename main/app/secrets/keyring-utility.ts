// The tray app's keyring calls: the same helper program as `jett`'s, in an Electron utility process (the packaged
// app's fuses forbid running Electron as plain Node), killed at the timeout so a waiting unlock prompt never
// holds the main process.
import { utilityProcess } from 'electron';
import { helperFailed, KEYRING_CHILD, keyringRequest, timedOut, type KeyringCall, type KeyringReply } from '../../core/secrets/keyring-call.js';

/** The part of a utility process this uses; tests hand in a Node child process with the same shape. */
export interface KeyringHelperProcess {
  postMessage(message: unknown): void;
  once(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type ForkHelper = (modulePath: string, env: NodeJS.ProcessEnv) => KeyringHelperProcess;

const forkUtility: ForkHelper = (modulePath, env) => utilityProcess.fork(modulePath, [], { serviceName: 'Jett keyring', stdio: 'ignore', env });

export function utilityKeyringCall(fork: ForkHelper = forkUtility): KeyringCall {
  return (ops, opts) =>
    new Promise<KeyringReply>((resolve) => {
      const child = fork(KEYRING_CHILD, opts.env ?? process.env);
      const done = (reply: KeyringReply) => {
        clearTimeout(timer);
        child.kill();
        resolve(reply);
      };
      const timer = setTimeout(() => done(timedOut(opts.timeoutMs)), opts.timeoutMs);
      child.once('message', (reply) => done(reply as KeyringReply));
      // An answer that never came: the helper died (the first resolve wins over this one).
      child.once('exit', (code) => done(helperFailed(code)));
      child.postMessage(keyringRequest(ops, opts));
    });
}
