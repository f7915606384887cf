// A real Secret Service for tests: Debian's gnome-keyring in its own `dbus-run-session`, with its keyrings in a
// temp HOME; unlocked with a test password, or left locked (its login keyring made by an earlier unlocked session).
import { existsSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { resolveBinary } from '../../main/core/process/binaries.js';

export const TEST_KEYRING_PASSWORD = 'jett-test-keyring';

// Prints the bus address, then lives until its stdin closes; dbus-run-session then ends the bus and the daemon.
const SESSION = `
if [ "$JETT_TEST_UNLOCK" = 1 ]; then printf %s "$JETT_TEST_PW" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; fi
echo "ADDR=$DBUS_SESSION_BUS_ADDRESS"
read _ignored
`;

export interface SecretServiceSession {
  /** The environment a keyring client needs to reach this session (and nothing of the test's own). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startSecretService(opts: { home: string; unlock: boolean; display?: string }): Promise<SecretServiceSession> {
  const dbusRunSession = resolveBinary('dbus-run-session');
  if (!dbusRunSession) throw new Error('dbus-run-session is missing (npm run setup:linux)');
  const base = { HOME: opts.home, PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...(opts.display ? { DISPLAY: opts.display } : {}) };
  const child: ResultPromise = execa(dbusRunSession, ['--', '/bin/sh', '-c', SESSION], {
    env: { ...base, JETT_TEST_UNLOCK: opts.unlock ? '1' : '0', JETT_TEST_PW: TEST_KEYRING_PASSWORD },
    extendEnv: false,
    reject: false,
    stdin: 'pipe',
    stderr: 'ignore',
  });
  const address = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (c: Buffer) => {
      seen += c.toString('utf8');
      const m = /ADDR=(\S+)/.exec(seen);
      if (m) resolve(m[1]!);
    });
    void child.then((r) => reject(new Error(`dbus-run-session ended before its bus answered (exit ${r.exitCode})`)));
  });
  return {
    env: { ...base, DBUS_SESSION_BUS_ADDRESS: address },
    stop: async () => {
      child.stdin!.end('\n');
      await child;
    },
  };
}

/** An X server for the unlock prompt to open on: with it, a locked keyring waits for a user who never comes. */
export async function startXvfb(display: number): Promise<{ display: string; stop(): Promise<void> }> {
  const xvfb = resolveBinary('Xvfb');
  if (!xvfb) throw new Error('Xvfb is missing (npm run setup:linux)');
  const child = execa(xvfb, [`:${display}`, '-nolisten', 'tcp'], { reject: false, stdio: 'ignore' });
  // Xvfb makes its socket when it is ready for clients.
  for (let i = 0; i < 100 && !existsSync(`/tmp/.X11-unix/X${display}`); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    display: `:${display}`,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}
