// "Remove Jett from this computer" in the window: stops this app's own agent (one started elsewhere makes the core
// refuse, naming it), then runs the same core steps as `jett uninstall`, with Electron's login item on Windows and
// macOS and the UAC step started from this app's executable.
import path from 'node:path';
import type { UninstallResult } from '../core/contracts/uninstall.js';
import type { Runtime } from '../core/runtime.js';
import type { KeyringCall } from '../core/secrets/keyring-call.js';
import type { ProcessRunner } from '../core/tunnel/runner.js';
import { systemUninstallDeps } from '../core/uninstall/system.js';
import { uninstall } from '../core/uninstall/uninstall.js';
import type { AgentHandle } from './agent-handle.js';
import type { LoginItem } from './login-item.js';

export interface AppUninstallDeps {
  runtime: Pick<Runtime, 'config' | 'paths'>;
  agent: Pick<AgentHandle, 'mode' | 'close'>;
  loginItem: LoginItem;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  program: string;
  programArgs: string[];
  keyringCall?: KeyringCall;
  runner?: ProcessRunner;
}

export function appUninstall(deps: AppUninstallDeps): (deleteData: boolean) => Promise<UninstallResult> {
  return async (deleteData) => {
    // Our own agent would bring the tunnel back and keep writing to JETT_HOME: it stops first.
    if (deps.agent.mode === 'in-process') await deps.agent.close();
    const core = systemUninstallDeps({
      env: deps.env,
      platform: deps.platform,
      home: deps.runtime.paths.home,
      dataHome: path.dirname(deps.runtime.paths.database),
      settings: deps.runtime.config.load().tunnel,
      isRoot: process.getuid?.() === 0,
      program: deps.program,
      programArgs: deps.programArgs,
      ...(deps.runner ? { runner: deps.runner } : {}),
      ...(deps.keyringCall ? { keyringCall: deps.keyringCall } : {}),
      // Linux's autostart file is the core's to remove; elsewhere only Electron reaches its login item.
      ...(deps.platform === 'linux'
        ? {}
        : {
            loginItem: async () => {
              if (!deps.loginItem.get()) return [];
              deps.loginItem.set(false);
              return ['the login item (Start at login)'];
            },
          }),
    });
    return uninstall({ deleteData }, core);
  };
}
