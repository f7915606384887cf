// `jett sync once`: push the whole outbox and pull the VPS inbox now, in this process, and say how it went.
import type { Command } from 'commander';
import type { SyncOnceResultJson } from '../../core/contracts/sync.js';
import { openSyncStack } from '../../core/sync/build.js';
import { vpsGuardFor } from '../../core/tunnel/setup.js';
import type { CliContext } from '../context.js';

export function registerSync(program: Command, ctx: CliContext): void {
  const sync = program.command('sync').description('exchange data with the VPS database');

  sync
    .command('once')
    .description('push every pending outbox row and pull queued inbox requests, once')
    .option('--json', 'print {"pushed","rejected","pulled","handled","lastSeq","pending","dead"}')
    .action(async (opts: { json?: boolean }) => {
      const runtime = ctx.runtime();
      const config = runtime.config.load();
      // The same guard as the agent's: refused with "the tunnel is down" unless the route goes through the tunnel.
      const stack = openSyncStack(runtime, config, vpsGuardFor(config.tunnel, { env: ctx.env }));
      try {
        const r = await stack.service.syncOnce();
        const counts = stack.outbox.counts();
        const out: SyncOnceResultJson = { ...r, pending: counts.pending, dead: counts.dead };
        if (opts.json) return ctx.out(JSON.stringify(out));
        ctx.out(`pushed ${out.pushed}, rejected ${out.rejected}, pulled ${out.pulled}; ${out.pending} pending, ${out.dead} dead`);
      } finally {
        await stack.close();
      }
    });
}
