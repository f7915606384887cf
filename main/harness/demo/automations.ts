// What runs the VPS's automations in the demo: the heartbeat webhook, the offline detector and the request webhook on
// the VPS's tunnel address. The real n8n (tools/n8n, set up as install.sh sets up a VPS's) when it is installed; the
// stand-in, a receiver that calls the same SQL as the workflows, only on a machine without it.
import { execa } from 'execa';
import { resolvePrivileged } from '../../core/process/privileged.js';
import { JettError } from '../../core/errors.js';
import { N8N_VERSION, n8nInstalled } from '../n8n/installed.js';
import { startN8n } from '../n8n/server.js';
import type { NetnsPair } from '../netns/pair.js';
import { TUNNEL } from '../netns/pair.js';
import type { JettDatabase } from '../postgres/provision.js';
import { jettInNamespace } from './processes.js';

export type AutomationsKind = 'real' | 'stand-in';

export interface VpsAutomations {
  readonly kind: AutomationsKind;
  /** The heartbeat webhook the desktop posts to (reached through the tunnel). */
  readonly heartbeatUrl: string;
  /** Queues a request for the desktop through n8n's request webhook; absent for the stand-in, which has none. */
  readonly queueRequest?: (request: { kind: string; payload: unknown; request_id: string }) => Promise<void>;
  stop(): Promise<void>;
}

export class AutomationsError extends JettError {}

/** What either kind needs: where PostgreSQL listens, the n8n role, the webhook's token and the detector's period. */
export interface AutomationsInput {
  pair: NetnsPair;
  /** The Jett database's roles (provisionJettDatabase): jett_n8n for the workflows, n8n's own for n8n. */
  db: JettDatabase;
  token: string;
  /** The offline detector's schedule: the demo's heartbeat period, so "offline" shows within seconds. */
  detectorEveryS: number;
  say: (line: string) => void;
}

export const WEBHOOK_PORT = 5678;

/** The receiver as a `jett demo-receiver` child inside the VPS namespace. */
export function startStandIn(input: AutomationsInput): VpsAutomations {
  const errors = new Set<string>();
  const child = jettInNamespace(
    input.pair.ns.vps,
    ['demo-receiver'],
    {
      JETT_DEMO_RECEIVER: JSON.stringify({
        host: TUNNEL.vps,
        port: WEBHOOK_PORT,
        token: input.token,
        db: { host: TUNNEL.vps, port: input.db.n8n.port, user: input.db.n8n.user, password: input.db.n8n.password, database: input.db.n8n.database },
        detectorEveryMs: input.detectorEveryS * 1000,
      }),
    },
    (line) => {
      if (line.type === 'error' && !errors.has(String(line.error))) {
        errors.add(String(line.error));
        input.say(`[vps]     receiver error: ${String(line.error)}`);
      }
    },
  );
  input.say(`[vps]     the n8n stand-in: a receiver that calls the workflows' SQL (n8n itself runs once \`npm run setup:n8n\` installed it)`);
  return { kind: 'stand-in', heartbeatUrl: `http://${TUNNEL.vps}:${WEBHOOK_PORT}/webhook/heartbeat`, stop: () => child.stop() };
}

/** n8n inside the VPS namespace on the tunnel address, its workflows imported and activated by the bundle's setup. */
export async function startRealN8n(input: AutomationsInput): Promise<VpsAutomations> {
  input.say(`[vps]     starting n8n: importing the bundle's workflows and credentials, activating them, creating the owner (as install.sh does)`);
  const started = performance.now();
  const server = await startN8n({ db: input.db, token: input.token, host: TUNNEL.vps, port: WEBHOOK_PORT, netns: input.pair.ns.vps, detectorEveryS: input.detectorEveryS });
  input.say(`[vps]     n8n ${N8N_VERSION} serving after ${((performance.now() - started) / 1000).toFixed(1)} s: workflows ${server.workflows.map((w) => `"${w.name}"`).join(', ')} imported and activated`);
  const curl = resolvePrivileged('curl');
  const ip = resolvePrivileged('ip');
  return {
    kind: 'real',
    heartbeatUrl: `${server.url}/webhook/heartbeat`,
    async queueRequest(request) {
      if (!curl || !ip) throw new AutomationsError('curl or ip is missing', 'install them: npm run setup:linux');
      // From inside the VPS namespace, as a caller on the VPS would; the token goes in on stdin, never in argv.
      const r = await execa(ip, ['netns', 'exec', input.pair.ns.vps, curl, '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', '@-', '-H', 'content-type: application/json', '--data-binary', JSON.stringify(request), `${server.url}/webhook/desktop-request`], {
        input: `Authorization: Bearer ${input.token}\n`,
        reject: false,
      });
      if (r.stdout.trim() !== '202') throw new AutomationsError(`n8n's request webhook answered ${r.stdout.trim() || 'nothing'}: ${r.stderr.trim()}`, 'see n8n\'s log lines above');
    },
    stop: () => server.stop(),
  };
}

/** 'auto': n8n when it is installed, the stand-in otherwise; 'real' fails without n8n rather than stand it in. */
export async function startAutomations(choice: 'auto' | 'real' | 'stand-in', input: AutomationsInput): Promise<VpsAutomations> {
  if (choice === 'stand-in' || (choice === 'auto' && !n8nInstalled())) return startStandIn(input);
  if (!n8nInstalled()) throw new AutomationsError('n8n is not installed, and --n8n real asks for it', 'install it with `npm run setup:n8n`, or run the demo with `--n8n stand-in`');
  return startRealN8n(input);
}
