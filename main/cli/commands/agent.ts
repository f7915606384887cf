// `jett agent`: runs the core in the foreground without a window, with a live status line, until a stop signal.
import type { Command } from 'commander';
import { Agent } from '../../core/agent.js';
import { CONTROL_EVENT_NAMES } from '../../core/contracts/control.js';
import type { StatusSnapshot } from '../../core/contracts/status.js';
import type { CliContext } from '../context.js';
import { setupLines, statusLine } from '../status-line.js';
import { untilSignal } from '../stop-signal.js';

/** The events that change what stableKey() reads. */
const STATUS_EVENTS = ['tunnel.state', 'outbox.counts', 'inbox.counts', 'heartbeat.result', 'voice.state'] as const;

/**
 * What a non-terminal reader (a log, a service journal) needs a new line for: not the ticking ages and byte counts,
 * but the first accepted heartbeat and a recovery after failures, or its last line would say "never" or "failing".
 */
export function stableKey(s: StatusSnapshot): string {
  const h = s.heartbeat;
  return JSON.stringify([s.tunnel.state, s.outbox.pending, s.outbox.dead, s.inbox.pending, h.failures, h.lastSentAt !== null, Boolean(h.lastError), s.voice.state]);
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
      if (!opts.json) for (const line of setupLines(agent.status())) ctx.out(line);
      print();
      // A line changes only on these events: printed once after each burst of them, with no timer polling the
      // database. A terminal also refreshes each second, for the ages it shows ("heartbeat 12s ago").
      let pending = false;
      const printSoon = () => {
        if (pending) return;
        pending = true;
        setImmediate(() => {
          pending = false;
          print();
        });
      };
      unsubscribe.push(...STATUS_EVENTS.map((name) => agent.bus.on(name, printSoon)));
      // The interval keeps the process alive until a signal arrives; without a terminal it never needs to fire.
      const timer = setInterval(print, tty ? 1000 : 2 ** 31 - 1);
      const sig = await stopped;
      clearInterval(timer);
      for (const u of unsubscribe) u();
      await agent.stop();
      ctx.out(opts.json ? JSON.stringify({ type: 'stopped', signal: sig }) : `${tty ? '\n' : ''}stopped (${sig})`);
    });
}
