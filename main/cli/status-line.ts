// The agent's state in one line, for `jett agent` and `jett status`: kept apart from the agent so `status` stays light.
import type { StatusSnapshot } from '../core/contracts/status.js';

function bytes(n: number | null): string {
  if (n === null) return '-';
  if (n < 1024) return `${n}B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)}KiB`;
  return `${(n / 1024 ** 2).toFixed(1)}MiB`;
}

function ago(iso: string | null, now: number): string {
  return iso === null ? 'never' : `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))}s ago`;
}

/** The last beat failing shows why (until one succeeds); the count of failures so far stays beside it. */
function heartbeatPart(h: StatusSnapshot['heartbeat'], now: number): string {
  const failed = h.failures ? `, ${h.failures} failed` : '';
  return h.lastError ? `heartbeat failing: ${h.lastError} (last sent ${ago(h.lastSentAt, now)}${failed})` : `heartbeat ${ago(h.lastSentAt, now)}${failed}`;
}

export function statusLine(s: StatusSnapshot, now = Date.now()): string {
  const t = s.tunnel;
  const hs = t.handshakeAgeS === null ? '-' : `${Math.round(t.handshakeAgeS)}s`;
  const probe = t.probeRttMs === null ? '-' : `${t.probeRttMs.toFixed(1)}ms`;
  const oldest = s.outbox.oldestPendingAgeS === null ? '' : ` (oldest ${Math.round(s.outbox.oldestPendingAgeS)}s)`;
  return [
    `jett ${s.agent.version}`,
    t.state === 'unconfigured' ? 'tunnel not configured' : `tunnel ${t.state} (handshake ${hs}, probe ${probe}, rx ${bytes(t.rxBytes)} tx ${bytes(t.txBytes)})`,
    `outbox ${s.outbox.pending} pending${oldest}, ${s.outbox.dead} dead`,
    `inbox ${s.inbox.pending}`,
    heartbeatPart(s.heartbeat, now),
    `voice ${s.voice.state}`,
  ].join(' | ');
}

/** One line per service not set up yet: what is missing and the next step (none when all are set up). */
export function setupLines(s: StatusSnapshot): string[] {
  if (!s.setup) return [];
  return (['tunnel', 'sync', 'heartbeat', 'voice'] as const)
    .filter((name) => !s.setup![name].configured)
    .map((name) => {
      const u = s.setup![name];
      return `${name} not configured — ${u.reason}${u.next ? `\n  next: ${u.next}` : ''}`;
    });
}

/** What the loaded speech models cost in memory, one line (none until a model has loaded). */
export function modelsMemoryLine(s: StatusSnapshot): string | null {
  const memory = s.models?.memory;
  if (!memory?.length) return null;
  const total = memory.reduce((sum, m) => sum + m.rssMb, 0);
  return `models ${memory.map((m) => `${m.engine} (${m.task}, ${m.ep}) ${m.rssMb.toFixed(1)} MB`).join(', ')}: ${total.toFixed(1)} MB in all`;
}

/** Hands-free with a wake word: listening, paused or off (and why), with its detections and false wakes. */
export function wakeLine(s: StatusSnapshot): string | null {
  const w = s.voice.wake;
  if (!w) return null;
  if (w.listening === 'off') return w.reason ?? 'hands-free is off';
  if (w.word === 'none') return `hands-free: any speech starts a turn (warning: ${w.reason ?? 'no wake word'})`;
  const counts = `${w.detections} detection${w.detections === 1 ? '' : 's'}, ${w.falseWakes} false wake${w.falseWakes === 1 ? '' : 's'} since the agent started`;
  return `hands-free ${w.listening === 'on' ? 'listening' : 'paused'} for ${w.word} (threshold ${w.threshold}): ${counts}`;
}
