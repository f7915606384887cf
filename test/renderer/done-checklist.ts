// The checklist of a desktop whose setup is done: a window opened on it shows the screen the test asks for, not the
// Setup screen. Shared by the renderer tests of the History, Memory and Microphone screens.
import type { SetupView } from '../../main/core/contracts/setup.js';
import type { StatusSnapshot } from '../../main/core/contracts/status.js';
import { setupChecklist } from '../../main/core/setup/checklist.js';

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
