// The Electron shell's start-up: one instance, userData in JETT_HOME, the core agent started in-process.
import type { App } from 'electron';
import { Agent } from '../core/agent.js';
import { openRuntime, type Runtime } from '../core/runtime.js';

export interface ShellDeps {
  app: Pick<App, 'requestSingleInstanceLock' | 'setPath' | 'whenReady' | 'quit' | 'on'>;
  env?: NodeJS.ProcessEnv;
}

export interface Shell {
  runtime: Runtime;
  agent: Agent;
}

/** Returns null when another instance already runs (this one quits). */
export async function startShell(deps: ShellDeps): Promise<Shell | null> {
  const { app } = deps;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  const runtime = openRuntime({ env: deps.env ?? process.env });
  // One folder for everything: Electron's own data goes beside the core's config, database and logs.
  app.setPath('userData', runtime.paths.home);
  await app.whenReady();
  const agent = new Agent({ runtime, config: runtime.config.load() });
  await agent.start();
  app.on('will-quit', () => void agent.stop());
  return { runtime, agent };
}
