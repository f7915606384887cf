// The checklist's privileged step, by platform: Windows asks for an administrator through UAC (tunnel-setup.ts, the
// elevated step only); on Linux the app, when it runs as root, applies the same install plan as
// `sudo jett tunnel install --secrets-stdin` with the keys handed over in memory; otherwise it gives the user the
// exact command (root never reads the user's keyring, and the app never asks for a password itself). What was
// installed is recorded (tunnel/installed-setup.ts) wherever this side of the step ran it.
import os from 'node:os';
import type { SetupPrivilegedResult } from '../../core/contracts/setup.js';
import type { Runtime } from '../../core/runtime.js';
import { LINUX_PRIVILEGED_COMMAND } from '../../core/setup/checklist.js';
import { handoffStore, renderHandoff } from '../../core/secrets/handoff.js';
import { applyInstallPlan, planTunnelInstall } from '../../core/tunnel/install-plan.js';
import { recordInstalledTunnel } from '../../core/tunnel/installed-setup.js';
import { execaRunner, type ProcessRunner } from '../../core/tunnel/runner.js';
import { loadDesktopConfig } from '../../core/tunnel/setup.js';

export type PrivilegedOutcome = Pick<SetupPrivilegedResult, 'outcome' | 'command'>;

export interface PrivilegedStepDeps {
  runtime: Pick<Runtime, 'secrets' | 'config' | 'paths'>;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  isRoot: boolean;
  /** Windows: the UAC step (tunnel-setup.ts, which records what it installed); throws when it did not happen. */
  windowsSetup(): Promise<void>;
  /** Linux as root: where the files go (default /; tests give a folder). */
  installRoot?: string;
  runner?: ProcessRunner;
}

export function privilegedStep(deps: PrivilegedStepDeps): () => Promise<PrivilegedOutcome> {
  return async () => {
    if (deps.platform === 'win32') {
      await deps.windowsSetup();
      return { outcome: 'sign-in-again', command: null };
    }
    if (!deps.isRoot) return { outcome: 'manual', command: LINUX_PRIVILEGED_COMMAND };
    // The same hand-over as the terminal's pipe, without the pipe: the plan reads the keys from memory only.
    const secrets = handoffStore(await renderHandoff(deps.runtime.secrets));
    // The account this app runs as (USER may be unset where a desktop session starts it).
    const user = deps.env.SUDO_USER ?? os.userInfo().username;
    const plan = await planTunnelInstall({ platform: 'linux', env: deps.env, user, ...(deps.installRoot ? { root: deps.installRoot } : {}), secrets });
    await applyInstallPlan(plan, { runner: deps.runner ?? execaRunner, isRoot: true });
    recordInstalledTunnel(deps.runtime.paths.home, (await loadDesktopConfig(deps.runtime.config.load().tunnel, deps.runtime.secrets)).text);
    return { outcome: 'done', command: null };
  };
}
