// The agent behind the shell: an attached `jett agent` (through its control endpoint), or one started in this
// process with the secret store the OS encrypts; and which secret store the window therefore edits.
import path from 'node:path';
import { safeStorage } from 'electron';
import { Agent } from '../../core/agent.js';
import { ControlClient } from '../../core/control/client.js';
import { formatError } from '../../core/errors.js';
import type { Logger } from '../../core/log/logger.js';
import type { Runtime } from '../../core/runtime.js';
import { attachedHandle, inProcessHandle, type AgentHandle } from '../agent-handle.js';
import { SafeStorageSecretStore } from '../secrets/safe-storage-store.js';
import type { Notify } from './notify.js';

export async function attachThroughControlEndpoint(runtime: Runtime): Promise<AgentHandle | null> {
  const client = await ControlClient.connectToAgent(runtime.paths);
  return client ? attachedHandle(client) : null;
}

export interface ConnectDeps {
  base: Runtime;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  attach: (runtime: Runtime) => Promise<AgentHandle | null>;
  log: Logger;
  notify: Notify;
}

/**
 * The window edits the secrets of the agent that runs: an attached `jett agent` reads the 0600 file, an agent in
 * this process reads the store encrypted by the OS (safeStorage). Returns the agent and the runtime it uses.
 */
export async function connectAgent(deps: ConnectDeps): Promise<{ agent: AgentHandle; runtime: Runtime }> {
  const { base, log } = deps;
  const attached = await deps.attach(base);
  if (attached) return { agent: attached, runtime: base };
  const secrets = new SafeStorageSecretStore(path.join(base.paths.home, 'secrets.safe.json'), safeStorage, deps.platform, (v) => base.redactor.addSecret(v));
  try {
    await secrets.ensureUsable();
  } catch (err) {
    log.warn('secret store unavailable', { error: formatError(err) });
    deps.notify('Jett cannot store secrets', formatError(err));
  }
  const runtime = { ...base, secrets };
  const inProcess = new Agent({ runtime, config: runtime.config.load(), env: deps.env, kind: 'tray' });
  await inProcess.start();
  return { agent: inProcessHandle(inProcess), runtime };
}

export function secretStoreNote(mode: AgentHandle['mode'], home: string): string {
  const file = path.join(home, 'secrets.json');
  return mode === 'in-process'
    ? `This app keeps secrets encrypted by the operating system (safeStorage). The headless agent (jett agent) cannot read them: it reads ${file} only (jett secret set NAME).`
    : `An agent started by \`jett agent\` is running, so this window edits its store: ${file} (mode 0600). Secrets set while the tray app ran its own agent stay in the OS-encrypted store.`;
}
