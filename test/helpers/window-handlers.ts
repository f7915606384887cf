// The window's IPC handlers over a real runtime and an agent handle, for the tests that drive the real bridge: what
// such a test does not exercise answers inertly (no file chosen, no link opened, Ollama at port 9 where nothing
// answers, no tunnel setup), and each test overrides what it is about.
import path from 'node:path';
import type { AgentHandle } from '../../main/app/agent-handle.js';
import { createHandlers, type HandlerDeps } from '../../main/app/ipc/handlers.js';
import type { Handlers } from '../../main/app/ipc/register.js';
import { catalogueModels, modelService } from '../../main/app/models.js';
import type { Runtime } from '../../main/core/runtime.js';
import { UNUSED_HANDLER_DEPS } from './unused-handlers.js';

export function windowHandlers(runtime: Runtime, agent: AgentHandle, over: Partial<HandlerDeps> = {}): Handlers {
  return createHandlers({
    ...UNUSED_HANDLER_DEPS,
    config: runtime.config,
    secrets: runtime.secrets,
    secretStoreNote: 'the 0600 file store in JETT_HOME',
    agent,
    statusView: async () => ({ snapshot: await agent.status(), hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, turns: [] }),
    onConfigChanged: () => {},
    chooseConfFile: async () => null,
    readConfFile: async () => '',
    writeClipboard: () => {},
    openLink: async () => ({ opened: false, reason: 'not in this test' }),
    models: modelService(() => 'http://127.0.0.1:9', () => catalogueModels(path.join(runtime.paths.home, 'models'))),
    sendModelProgress: () => {},
    setupTunnel: async () => {},
    ...over,
  });
}
