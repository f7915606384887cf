// `jett outbox status|retry-dead`: what waits to reach the VPS, and a second chance for rows the server rejected.
import type { Command } from 'commander';
import type { OutboxStatus } from '../../core/contracts/outbox.js';
import { corrupt, openLocalDb, openLocalDbToRead, type LocalDb } from '../../core/db/local-db.js';
import { Outbox } from '../../core/outbox/store.js';
import { InboxStore } from '../../core/sync/inbox-store.js';
import type { CliContext } from '../context.js';

function withOutbox<T>(ctx: CliContext, fn: (outbox: Outbox, inbox: InboxStore) => T, open: (file: string) => LocalDb = openLocalDb): T {
  const local = open(ctx.runtime().paths.database);
  try {
    const outbox = new Outbox(local);
    return fn(outbox, new InboxStore(local.db, outbox));
  } catch (err) {
    // A read-only open skips the full integrity check, so damage shows up here, in the pages the read touched.
    if ((err as { code?: unknown }).code === 'SQLITE_CORRUPT' || (err as { code?: unknown }).code === 'SQLITE_NOTADB') throw corrupt(local.file, (err as Error).message, err);
    throw err;
  } finally {
    local.close();
  }
}

function age(s: number | null): string {
  if (s === null) return '-';
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

export function registerOutbox(program: Command, ctx: CliContext): void {
  const outbox = program.command('outbox').description('the local outbox of events bound for the VPS');

  outbox
    .command('status')
    .description('pending rows, age of the oldest, dead rows, last successful push')
    .option('--json', 'print {"clientId","pending","oldestPendingAgeS","dead","sent","lastSuccessAt","lastError","inboxPending"}')
    .action((opts: { json?: boolean }) => {
      const status: OutboxStatus = withOutbox(ctx, (o, inbox) => {
        const d = o.detail();
        return { clientId: o.clientId, ...d, inboxPending: inbox.pending() };
      }, openLocalDbToRead);
      if (opts.json) return ctx.out(JSON.stringify(status));
      ctx.out(`pending       ${status.pending} (oldest ${age(status.oldestPendingAgeS)})`);
      ctx.out(`dead          ${status.dead}${status.dead > 0 ? '  (see the log; `jett outbox retry-dead` re-queues them)' : ''}`);
      ctx.out(`sent, kept    ${status.sent}`);
      ctx.out(`last success  ${status.lastSuccessAt ?? 'never'}`);
      if (status.lastError) ctx.out(`last error    ${status.lastError}`);
      ctx.out(`inbox         ${status.inboxPending} request(s) waiting for the agent`);
    });

  outbox
    .command('retry-dead')
    .description('re-queue rows the server rejected (same event id, so the server still applies each at most once)')
    .option('--json', 'print {"requeued"}')
    .action((opts: { json?: boolean }) => {
      const requeued = withOutbox(ctx, (o) => o.retryDead());
      ctx.out(opts.json ? JSON.stringify({ requeued }) : `re-queued ${requeued} row(s); they go with the next push`);
    });
}
