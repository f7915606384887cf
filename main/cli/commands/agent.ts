// `jett agent`: runs the core in the foreground without a window, with a live status line, until a stop signal.
import type { Command } from 'commander';
import { Agent } from '../../core/agent.js';
import { CONTROL_EVENT_NAMES } from '../../core/contracts/control.js';
import type { StatusSnapshot } from '../../core/contracts/status.js';
import type { CliContext } from '../context.js';
import { untilSignal } from '../stop-signal.js';

function bytes(n: number | null): string {
  if (n === null) return '-';
  if (n < 1024) return `${n}B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)}KiB`;
  return `${(n / 1024 ** 2).toFixed(1)}MiB`;
}

function ago(iso: string | null, now: number): string {
  return iso === null ? 'never' : `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))}s ago`;
}

export function statusLine(s: StatusSnapshot, now = Date.now()): string {
  const t = s.tunnel;
  const hs = t.handshakeAgeS === null ? '-' : `${Math.round(t.handshakeAgeS)}s`;
  const probe = t.probeRttMs === null ? '-' : `${t.probeRttMs.toFixed(1)}ms`;
  const oldest = s.outbox.oldestPendingAgeS === null ? '' : ` (oldest ${Math.round(s.outbox.oldestPendingAgeS)}s)`;
  return [
    `jett ${s.agent.version}`,
    `tunnel ${t.state} (handshake ${hs}, probe ${probe}, rx ${bytes(t.rxBytes)} tx ${bytes(t.txBytes)})`,
    `outbox ${s.outbox.pending} pending${oldest}, ${s.outbox.dead} dead`,
    `inbox ${s.inbox.pending}`,
    `heartbeat ${ago(s.heartbeat.lastSentAt, now)}${s.heartbeat.failures ? `, ${s.heartbeat.failures} failed` : ''}`,
    `voice ${s.voice.state}`,
  ].join(' | ');
}

/** What a non-terminal reader needs a new line for: not the ticking ages and byte counts. */
function stableKey(s: StatusSnapshot): string {
  return JSON.stringify([s.tunnel.state, s.outbox.pending, s.outbox.dead, s.inbox.pending, s.heartbeat.failures, s.voice.state]);
}

export function registerAgent(program: Command, ctx: CliContext): void {
  program
    .command('agent')
    .description('run the headless agent in the foreground (Ctrl-C to stop)')
    .option('--json', 'print the status and every event as JSON lines')
    .action(async (opts: { json?: boolean }) => {
      // Listen for signals before anything is printed: a supervisor may stop us the moment it sees output.
      const stopped = untilSignal();
      const runtime = ctx.runtime();
      const agent = new Agent({ runtime, config: runtime.config.load(), env: ctx.env, kind: 'headless' });
      await agent.start();
      const tty = !opts.json && (ctx.stdout as { isTTY?: boolean }).isTTY === true;
      const unsubscribe = opts.json
        ? // Every event of the map, as a control subscriber (the tray) receives them.
          CONTROL_EVENT_NAMES.map((name) => agent.bus.on(name, (payload) => ctx.out(JSON.stringify({ type: 'event', event: name, payload }))))
        : [
            agent.bus.on('tunnel.state', (e) => ctx.out(`${tty ? '\r\x1b[2K' : ''}tunnel ${e.from} -> ${e.to}: ${e.reason}`)),
            agent.bus.on('notification', (n) => ctx.out(`${tty ? '\r\x1b[2K' : ''}notification: ${n.title}${n.body ? ` - ${n.body}` : ''}`)),
            agent.bus.on('config.changed', (e) => ctx.out(`${tty ? '\r\x1b[2K' : ''}settings changed: ${e.sections.join(', ')} rebuilt`)),
            agent.bus.on('config.invalid', (e) => ctx.out(`${tty ? '\r\x1b[2K' : ''}config.json edit ignored: ${e.message}\n  fix: ${e.fix}`)),
          ];
      let last = '';
      const print = () => {
        const s = agent.status();
        if (opts.json) {
          const key = stableKey(s);
          if (key !== last) ctx.out(JSON.stringify({ type: 'status', status: s }));
          last = key;
        } else if (tty) {
          ctx.stdout.write(`\r\x1b[2K${statusLine(s)}`);
        } else if (stableKey(s) !== last) {
          last = stableKey(s);
          ctx.out(statusLine(s));
        }
      };
      print();
      // The timer also keeps the process alive until a signal arrives.
      const timer = setInterval(print, 1000);
      const sig = await stopped;
      clearInterval(timer);
      for (const u of unsubscribe) u();
      await agent.stop();
      ctx.out(opts.json ? JSON.stringify({ type: 'stopped', signal: sig }) : `${tty ? '\n' : ''}stopped (${sig})`);
    });
}
