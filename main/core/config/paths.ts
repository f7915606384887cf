// Where the desktop keeps everything: JETT_HOME, else the platform's config folder (%APPDATA%\Jett, ~/.config/Jett).
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export function jettHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.JETT_HOME) return path.resolve(env.JETT_HOME);
  const home = env.HOME ?? env.USERPROFILE ?? os.homedir();
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Jett');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Jett');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Jett');
}

export interface JettPaths {
  home: string;
  config: string;
  secrets: string;
  database: string;
  logs: string;
  models: string;
  controlSocket: string;
  /** The secret both ends of the control endpoint prove they know (challenge-response); it never crosses the socket. */
  controlToken: string;
}

/** The account name, for the pipe name only; '' where the OS has no entry for this process's user. */
function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

/**
 * A named pipe lives in one namespace shared by every user of the machine, so its name must differ per user and per
 * JETT_HOME: a hash of the whole (case-folded, since Windows paths are) home path and the account name. The name is
 * not a secret (another user can compute it and claim it first); that user still cannot pass the challenge-response
 * of the control endpoint, so the claim is refused, not trusted.
 */
export function controlPipeName(home: string, user: string = currentUser()): string {
  const digest = createHash('sha256').update(`${user.toLowerCase()}\0${path.win32.resolve(home).toLowerCase()}`).digest('hex');
  return `\\\\.\\pipe\\jett-${digest.slice(0, 32)}`;
}

export function jettPaths(home: string, platform: NodeJS.Platform = process.platform, user?: string): JettPaths {
  return {
    home,
    config: path.join(home, 'config.json'),
    secrets: path.join(home, 'secrets.json'),
    database: path.join(home, 'jett.db'),
    logs: path.join(home, 'logs'),
    models: path.join(home, 'models'),
    // A named pipe on Windows (whose ACL Node cannot set: the token's challenge-response guards it), a 0600 Unix
    // socket elsewhere.
    controlToken: path.join(home, 'control.token'),
    controlSocket:
      platform === 'win32'
        ? controlPipeName(home, user)
        : path.join(home, 'control.sock'),
  };
}
