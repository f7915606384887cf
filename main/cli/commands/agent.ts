// `jett agent`: runs the core in the foreground without a window until Ctrl-C or SIGTERM.
import type { Command } from 'commander';
import { Agent } from '../../core/agent.js';
import type { StatusSnapshot } from '../../core/contracts/status.js';
import type { CliContext } from '../context.js';

export function statusLine(s: StatusSnapshot): string {
  const t = s.tunnel;
  const hs = t.handshakeAgeS === null ? '-' : `${Math.round(t.handshakeAgeS)}s`;
  return `jett ${s.agent.version} | tunnel ${t.state} (handshake ${hs}) | outbox ${s.outbox.pending} pending, ${s.outbox.dead} dead | inbox ${s.inbox.pending} | voice ${s.voice.state}`;
}

/** Resolves on the first SIGINT or SIGTERM, and stops listening for them. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(sig);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export function registerAgent(program: Command, ctx: CliContext): void {
  program
    .command('agent')
    .description('run the headless agent in the foreground (Ctrl-C to stop)')
    .option('--json', 'print the status and events as JSON lines')
    .action(async (opts: { json?: boolean }) => {
      // Listen for signals before anything is printed: a supervisor may stop us the moment it sees output.
      const stopped = untilSignal();
      const runtime = ctx.runtime();
      const agent = new Agent({ runtime, config: runtime.config.load() });
      await agent.start();
      // Print the status when it changes; the timer also keeps the process alive until a signal arrives.
      let last = '';
      const print = () => {
        const line = opts.json ? JSON.stringify({ type: 'status', status: agent.status() }) : statusLine(agent.status());
        const key = opts.json ? JSON.stringify({ ...agent.status(), agent: null }) : line;
        if (key !== last) ctx.out(line);
        last = key;
      };
      print();
      const timer = setInterval(print, 1000);
      const sig = await stopped;
      clearInterval(timer);
      await agent.stop();
      ctx.out(opts.json ? JSON.stringify({ type: 'stopped', signal: sig }) : `stopped (${sig})`);
    });
}
