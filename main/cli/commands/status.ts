// `jett status`: the running agent's state in one line (or JSON); says so when no agent runs.
import type { Command } from 'commander';
import type { AgentStatusOutput } from '../../core/contracts/status.js';
import { viaAgent } from '../agent-link.js';
import type { CliContext } from '../context.js';
import { modelsMemoryLine, setupLines, statusLine, wakeLine } from '../status-line.js';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("the running agent's tunnel, outbox, inbox, heartbeat and voice state (exit 1 when none runs)")
    .option('--json', 'print {"running","status"}')
    .action(async (opts: { json?: boolean }) => {
      const got = await viaAgent(ctx, (a) => a.call('status'));
      // The client has parsed the agent's answer with the contract's schema already.
      const out: AgentStatusOutput = got ? { running: true, status: got.value } : { running: false, status: null };
      if (!out.running) ctx.exitCode = 1;
      if (opts.json) return ctx.out(JSON.stringify(out));
      if (out.status) for (const line of setupLines(out.status)) ctx.out(line);
      const models = out.status && modelsMemoryLine(out.status);
      if (models) ctx.out(models);
      const wake = out.status && wakeLine(out.status);
      if (wake) ctx.out(wake);
      ctx.out(out.status ? statusLine(out.status) : 'no Jett agent is running: start one with `jett agent` (or the tray app, `npm start`)');
      const setup = out.status?.tunnelSetup;
      if (setup && setup.state !== 'current') ctx.out(`tunnel setup: ${setup.message}; ${setup.fix ?? ''}`);
    });
}
