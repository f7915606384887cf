// The tray app's tunnel setup on Windows: the same core steps as `jett tunnel install --elevate`, with the app's
// own executable as the elevated program (the packaged app has Node's RunAsNode fuse off, so main.ts takes the
// elevated step's arguments itself: see elevatedInstallFrom).
import fs from 'node:fs';
import path from 'node:path';
import { JettError } from '../core/errors.js';
import { resolveWindowsPrivileged, type WinTrustFs } from '../core/process/privileged-windows.js';
import type { Runtime } from '../core/runtime.js';
import { runElevatedInstall } from '../core/tunnel/elevation.js';
import { windowsAccountName } from '../core/tunnel/install-windows.js';
import { recordInstalledTunnel } from '../core/tunnel/installed-setup.js';
import { execaRunner, type ProcessRunner } from '../core/tunnel/runner.js';
import { loadDesktopConfig } from '../core/tunnel/setup.js';

export interface TunnelSetupDeps {
  runtime: Pick<Runtime, 'config' | 'secrets' | 'paths'>;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The app's executable, and before `tunnel install` the app folder when not packaged (`electron .`). */
  program: string;
  programArgs: string[];
  runner?: ProcessRunner;
  /** Where powershell.exe is checked (tests replay Windows' System32). */
  fsx?: WinTrustFs;
}

export function tunnelSetup(deps: TunnelSetupDeps): () => Promise<void> {
  return async () => {
    if (deps.platform !== 'win32') throw new JettError('the tunnel setup from the window is for Windows', 'on Linux run `sudo jett tunnel install` once in a terminal');
    const tunnel = deps.runtime.config.load().tunnel;
    const { text } = await loadDesktopConfig(tunnel, deps.runtime.secrets);
    await runElevatedInstall(
      { iface: tunnel.interface, user: windowsAccountName(undefined, deps.env), configText: text },
      {
        runner: deps.runner ?? execaRunner,
        runDir: path.join(deps.runtime.paths.home, 'run'),
        powershell: resolveWindowsPrivileged('powershell.exe', deps.env, deps.fsx ?? fs),
        program: deps.program,
        programArgs: deps.programArgs,
      },
    );
    // What the service now runs from, so the status can tell when later settings no longer match it.
    recordInstalledTunnel(deps.runtime.paths.home, text);
  };
}
