// Where the desktop keeps everything: JETT_HOME, else the platform's config folder (%APPDATA%\Jett, ~/.config/Jett).
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
  /** The secret a client shows the agent with each request (the socket's mode is not enough on Windows). */
  controlToken: string;
}

export function jettPaths(home: string, platform: NodeJS.Platform = process.platform): JettPaths {
  return {
    home,
    config: path.join(home, 'config.json'),
    secrets: path.join(home, 'secrets.json'),
    database: path.join(home, 'jett.db'),
    logs: path.join(home, 'logs'),
    models: path.join(home, 'models'),
    // A named pipe on Windows (owner-only ACL), a 0600 Unix socket elsewhere.
    controlToken: path.join(home, 'control.token'),
    controlSocket:
      platform === 'win32'
        ? `\\\\.\\pipe\\jett-${Buffer.from(home).toString('hex').slice(-16)}`
        : path.join(home, 'control.sock'),
  };
}
