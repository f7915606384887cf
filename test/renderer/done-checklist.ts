// The checklist of a desktop whose setup is done: a window opened on it shows the screen the test asks for, not the
// Setup screen. Shared by the renderer tests of the History, Memory and Microphone screens.
import type { AgentHandle } from '../../main/app/agent-handle.js';
import type { HandlerDeps } from '../../main/app/ipc/handlers.js';
import type { SetupView } from '../../main/core/contracts/setup.js';
import type { StatusSnapshot } from '../../main/core/contracts/status.js';
import { setupChecklist } from '../../main/core/setup/checklist.js';
import { UNUSED_HANDLER_DEPS } from '../helpers/unused-handlers.js';

export function doneChecklist(tunnel: StatusSnapshot['tunnel']): SetupView {
  return setupChecklist({
    platform: 'linux',
    wireguard: { found: true, where: '/usr/bin/wg-quick' },
    keys: null,
    bundle: { dir: null, secretsStored: false },
    peer: null,
    privileged: { state: 'todo', detail: 'not set up' },
    tunnel,
    audit: null,
    models: { missing: [], installed: ['whisper-base'] },
    ollama: { running: false, model: 'llama3.2:3b', error: 'Ollama is not running' },
    voice: { configured: true, reason: 'installed', next: null, running: true, firstTurn: null },
    errors: {},
  });
}

/** The setup service of such a desktop: its checklist says done; every action is outside these tests. */
export function doneSetup(agent: Pick<AgentHandle, 'status'>): HandlerDeps['setup'] {
  return { ...UNUSED_HANDLER_DEPS.setup, view: async () => doneChecklist((await agent.status()).tunnel) };
}
