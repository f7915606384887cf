// The tray app's main process without Electron, for a test that needs it inside a network namespace: the real
// runtime, an in-process agent and the window's IPC handlers (createHandlers). Reads one JSON request a line on
// stdin ({id, channel, arg}, or channel "append" for the outbox), answers {id, reply} or {id, error}; every agent
// event goes out as {event, payload}. Usage: ip netns exec NS node --import tsx test/integration/live/window-driver.ts
import readline from 'node:readline';
import { inProcessHandle } from '../../../main/app/agent-handle.js';
import { createHandlers } from '../../../main/app/ipc/handlers.js';
import { Agent } from '../../../main/core/agent.js';
import { CONTROL_EVENT_NAMES } from '../../../main/core/contracts/control.js';
import { errorMessage } from '../../../main/core/contracts/errors.js';
import type { InvokeChannel } from '../../../main/core/contracts/ipc.js';
import { openRuntime } from '../../../main/core/runtime.js';
import { UNUSED_HANDLER_DEPS } from '../../helpers/unused-handlers.js';

const say = (obj: object) => process.stdout.write(`${JSON.stringify(obj)}\n`);

const runtime = openRuntime({ env: process.env });
const agent = new Agent({ runtime, config: runtime.config.load(), env: process.env, kind: 'tray', voice: null });
for (const name of CONTROL_EVENT_NAMES) agent.bus.on(name, (payload) => say({ event: name, payload }));
await agent.start();
const handlers = createHandlers({
  config: runtime.config,
  secrets: runtime.secrets,
  secretStoreNote: 'window driver',
  agent: inProcessHandle(agent),
  statusView: async () => ({ snapshot: agent.status(), hotkey: { accelerator: 'Ctrl+Alt+J', registered: false, error: 'no display' }, turns: [] }),
  onConfigChanged: () => {},
  chooseConfFile: async () => null,
  readConfFile: async () => '',
  writeClipboard: () => {},
  openLink: async () => ({ opened: false, reason: 'no browser here' }),
  models: { list: async () => ({ models: [], error: null, speech: { dir: runtime.paths.models, models: [], error: null } }), pull: async () => {} },
  sendModelProgress: () => {},
  setupTunnel: async () => {},
  ...UNUSED_HANDLER_DEPS,
});
say({ ready: true });

for await (const line of readline.createInterface({ input: process.stdin })) {
  const { id, channel, arg } = JSON.parse(line) as { id: number; channel: InvokeChannel | 'append'; arg?: unknown };
  try {
    if (channel === 'append') {
      const { kind, payloads } = arg as { kind: string; payloads: unknown[] };
      say({ id, reply: agent.appendMany({ kind, payloads }) });
    } else {
      const handler = handlers[channel] as (a: unknown) => Promise<unknown>;
      say({ id, reply: await handler(arg) });
    }
  } catch (err) {
    say({ id, error: errorMessage(err) });
  }
}
await agent.stop();
