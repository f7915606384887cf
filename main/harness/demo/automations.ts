// What runs the VPS's automations in the demo: the heartbeat webhook and the offline detector on the VPS's tunnel
// address. The stand-in is a receiver that calls the same SQL as the workflows, for a machine without n8n installed.
import type { NetnsPair } from '../netns/pair.js';
import { TUNNEL } from '../netns/pair.js';
import { jettInNamespace } from './processes.js';

export type AutomationsKind = 'real' | 'stand-in';

export interface VpsAutomations {
  readonly kind: AutomationsKind;
  /** The heartbeat webhook the desktop posts to (reached through the tunnel). */
  readonly heartbeatUrl: string;
  stop(): Promise<void>;
}

/** What either kind needs: where PostgreSQL listens, the n8n role, the webhook's token and the detector's period. */
export interface AutomationsInput {
  pair: NetnsPair;
  db: { host: string; port: number; user: string; password: string; database: string };
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
    { JETT_DEMO_RECEIVER: JSON.stringify({ host: TUNNEL.vps, port: WEBHOOK_PORT, token: input.token, db: input.db, detectorEveryMs: input.detectorEveryS * 1000 }) },
    (line) => {
      if (line.type === 'error' && !errors.has(String(line.error))) {
        errors.add(String(line.error));
        input.say(`[vps]     receiver error: ${String(line.error)}`);
      }
    },
  );
  input.say(`[vps]     n8n is not installed (npm run setup:n8n): a stand-in receiver calls the workflows' SQL instead`);
  return { kind: 'stand-in', heartbeatUrl: `http://${TUNNEL.vps}:${WEBHOOK_PORT}/webhook/heartbeat`, stop: () => child.stop() };
}
