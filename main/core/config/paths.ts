// Where the desktop keeps everything: JETT_HOME, else the platform's config folder (%APPDATA%\Jett, ~/.config/Jett);
// on Windows the large files (database, speech models) go to %LOCALAPPDATA%\Jett instead.
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

/**
 * Where the database and the speech models go. Windows: %LOCALAPPDATA%\Jett, the machine's own folder, which a
 * roaming profile does not copy to a server at every sign-out (gigabytes of models there would make signing in and
 * out take minutes, and the database must not be written from two machines). Elsewhere, and whenever JETT_HOME is
 * set, the same folder as everything else.
 */
export function jettDataHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.JETT_HOME || platform !== 'win32') return jettHome(env, platform);
  const profile = env.USERPROFILE ?? env.HOME ?? os.homedir();
  return path.win32.join(env.LOCALAPPDATA ?? path.win32.join(profile, 'AppData', 'Local'), 'Jett');
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

/** `dataHome` holds the database and the models (jettDataHome); config, secrets, logs and the endpoint stay in `home`. */
export function jettPaths(home: string, platform: NodeJS.Platform = process.platform, user?: string, dataHome: string = home): JettPaths {
  const p = platform === 'win32' ? path.win32 : path;
  return {
    home,
    config: p.join(home, 'config.json'),
    secrets: p.join(home, 'secrets.json'),
    database: p.join(dataHome, 'jett.db'),
    logs: p.join(home, 'logs'),
    models: p.join(dataHome, 'models'),
    // A named pipe on Windows (whose ACL Node cannot set: the token's challenge-response guards it), a 0600 Unix
    // socket elsewhere.
    controlToken: p.join(home, 'control.token'),
    controlSocket:
      platform === 'win32'
        ? controlPipeName(home, user)
        : p.join(home, 'control.sock'),
  };
}
