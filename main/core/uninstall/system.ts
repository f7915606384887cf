// The real dependencies of an uninstall on this computer, shared by `jett uninstall` and the window: the process
// runner, the tunnel control, the control endpoint's answer, and on Windows the System32 programs and the UAC step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TunnelSettings } from '../tunnel/config.js';
import { ControlClient } from '../control/client.js';
import { jettPaths } from '../config/paths.js';
import { programDataDir, resolveWindowsPrivileged } from '../process/privileged-windows.js';
import { resolvePrivileged } from '../process/privileged.js';
import type { KeyringCall } from '../secrets/keyring-call.js';
import { LINUX_HELPER_PATH } from '../tunnel/control.js';
import { execaRunner, type ProcessRunner } from '../tunnel/runner.js';
import { controlFor } from '../tunnel/setup.js';
import { elevateWith } from './tunnel.js';
import type { UninstallDeps } from './uninstall.js';

export interface SystemUninstall {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  dataHome: string;
  settings: TunnelSettings;
  isRoot: boolean;
  /** The program that is Jett and the arguments before a command (the script), for the elevated step on Windows. */
  program: string;
  programArgs: string[];
  runner?: ProcessRunner;
  keyringCall?: KeyringCall;
  loginItem?: () => Promise<string[]>;
}

export function systemUninstallDeps(s: SystemUninstall): UninstallDeps {
  const runner = s.runner ?? execaRunner;
  const paths = jettPaths(s.home, s.platform);
  const control = () => controlFor({ settings: s.settings, home: s.home, env: s.env, platform: s.platform, runner });
  // Root runs wg-quick itself; a user goes through the helper, which exists only after the install.
  const canControl = s.platform === 'win32' || (s.isRoot ? resolvePrivileged('wg-quick') !== null : fs.existsSync(LINUX_HELPER_PATH));
  const win = s.platform === 'win32'
    ? {
        sc: resolveWindowsPrivileged('sc.exe', s.env, fs),
        dataDir: path.win32.join(programDataDir(s.env), 'Jett'),
        elevate: elevateWith({ runner, powershell: resolveWindowsPrivileged('powershell.exe', s.env, fs), program: s.program, programArgs: s.programArgs }),
      }
    : undefined;
  return {
    platform: s.platform,
    env: s.env,
    home: s.home,
    dataHome: s.dataHome,
    userHome: s.env.HOME ?? s.env.USERPROFILE ?? os.homedir(),
    runner,
    agentRunning: async () => {
      const client = await ControlClient.connectToAgent(paths, 500);
      client?.close();
      return client !== null;
    },
    tunnel: { iface: s.settings.interface, isRoot: s.isRoot, control: canControl ? control : null, ...(win ? { windows: win } : {}) },
    ...(s.keyringCall ? { keyringCall: s.keyringCall } : {}),
    ...(s.loginItem ? { loginItem: s.loginItem } : {}),
    ...(s.platform === 'win32' ? { reg: resolveWindowsPrivileged('reg.exe', s.env, fs) } : {}),
  };
}
