// One heartbeat with the agent's real guard, run inside the test's desktop namespace: argv = tunnel interface and
// webhook URL, the token on stdin (never argv). Prints the sender's status as one JSON line.
import { EventBus } from '../../../main/core/events/bus.js';
import { HeartbeatSender } from '../../../main/core/heartbeat/sender.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { vpsGuardFor } from '../../../main/core/tunnel/setup.js';

const [iface, url] = process.argv.slice(2) as [string, string];
let token = '';
for await (const chunk of process.stdin) token += String(chunk);
const sender = new HeartbeatSender({
  url,
  intervalS: 60,
  token: async () => token,
  body: () => ({ client_id: '0190f5a0-0000-7000-8000-000000000001', device: 'desk', app_version: '0.1.0', interval_s: 60, sent_at: new Date().toISOString(), tunnel: { state: 'up', handshake_age_s: null, rx_bytes: null, tx_bytes: null }, outbox: { pending: 0, oldest_pending_age_s: null, dead: 0 }, voice: { state: 'off' } }),
  bus: new EventBus(),
  logger: createLogger({ sink: () => {}, format: 'json' }),
  guard: vpsGuardFor({ interface: iface }),
});
await sender.beat();
process.stdout.write(`${JSON.stringify(sender.status())}\n`);
