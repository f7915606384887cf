// The agent behind the shell: an attached `jett agent` (through its control endpoint), or one started in this
// process; both use the one secret store (the OS keyring), into which the app moves its old safeStorage secrets.
import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { Agent } from '../../core/agent.js';
import { ControlClient } from '../../core/control/client.js';
import { formatError } from '../../core/errors.js';
import type { Logger } from '../../core/log/logger.js';
import type { Runtime } from '../../core/runtime.js';
import { migrateSecrets } from '../../core/secrets/migrate.js';
import type { SecretStore } from '../../core/secrets/store.js';
import type { AudioRoute } from '../../core/voice/setup.js';
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
  /** The app's own microphone and speaker for the agent it starts (an attached agent keeps its own, sox). */
  audio?: AudioRoute;
}

/** The tray's old store, which only Electron can decrypt: moved into the one store once, then removed. */
export async function moveSafeStorageSecrets(deps: ConnectDeps): Promise<void> {
  const { base, log } = deps;
  const file = path.join(base.paths.home, 'secrets.safe.json');
  if (!fs.existsSync(file)) return;
  const old = new SafeStorageSecretStore(file, safeStorage, deps.platform, (v) => base.redactor.addSecret(v));
  try {
    const r = await migrateSecrets({ from: old, to: base.secrets, removeOld: () => fs.rmSync(file, { force: true }) });
    if (r.conflicts.length > 0) {
      log.warn('old secrets kept: the store in use holds other values for them', { from: file, names: r.conflicts });
      deps.notify('Jett kept some old secrets', `${r.conflicts.join(', ')} differ between ${file} and ${base.secrets.location}; the latter is in use. Remove ${file} once you have checked.`);
    } else {
      log.info('secrets moved from safeStorage', { from: file, to: base.secrets.location, names: r.moved });
    }
  } catch (err) {
    log.warn('old secrets not moved', { error: formatError(err) });
    deps.notify('Jett cannot move its old secrets', formatError(err));
  }
}

/** Both runners use the runtime's store; the app moves its old secrets first and says when the store refuses. */
export async function connectAgent(deps: ConnectDeps): Promise<{ agent: AgentHandle; runtime: Runtime }> {
  const { base, log } = deps;
  await moveSafeStorageSecrets(deps);
  try {
    await base.secrets.list();
  } catch (err) {
    log.warn('secret store unavailable', { error: formatError(err) });
    deps.notify('Jett cannot store secrets', formatError(err));
  }
  const attached = await deps.attach(base);
  if (attached) return { agent: attached, runtime: base };
  const inProcess = new Agent({ runtime: base, config: base.config.load(), env: deps.env, kind: 'tray', ...(deps.audio ? { audio: deps.audio } : {}) });
  await inProcess.start();
  return { agent: inProcessHandle(inProcess), runtime: base };
}

export function secretStoreNote(store: Pick<SecretStore, 'kind' | 'location' | 'reason'>): string {
  const why = store.reason ? ` Why: ${store.reason}.` : '';
  return store.kind === 'keyring'
    ? `The tray app and the headless agent (jett agent) share one store: ${store.location}.${why}`
    : `No keyring answers on this machine, so the tray app and the headless agent (jett agent) share a file only you can read (mode 0600): ${store.location}.${why}`;
}
