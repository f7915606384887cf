// `jett voice history [--search TEXT] [--limit N] [--json]` and `jett voice history delete ID...|--all`: the past
// turns the window's History screen lists, and their deletion (here at once, on the VPS through the outbox). A running
// agent answers (its sync then sends the tombstone at once); without one the command works on jett.db itself.
import type { Command } from 'commander';
import type { RedactionResult } from '../../core/contracts/redaction.js';
import { VOICE_HISTORY_MAX, VoiceHistorySchema, type VoiceHistoryDelete, type VoiceHistoryQuery } from '../../core/contracts/voice-history.js';
import type { VoiceTurnRecord } from '../../core/contracts/voice.js';
import { openLocalDb } from '../../core/db/local-db.js';
import { UsageError } from '../../core/errors.js';
import { Outbox } from '../../core/outbox/store.js';
import { VoiceHistory } from '../../core/voice/history.js';
import { viaAgent } from '../agent-link.js';
import type { CliContext } from '../context.js';

function withHistory<T>(ctx: CliContext, fn: (history: VoiceHistory) => T): T {
  const local = openLocalDb(ctx.runtime().paths.database);
  try {
    return fn(new VoiceHistory(local.db, new Outbox(local)));
  } finally {
    local.close();
  }
}

function describe(t: VoiceTurnRecord): string[] {
  const l = t.latencies.speech_end_to_audio_ms;
  return [
    `${t.at}  ${t.outcome}${t.reason ? ` (${t.reason})` : ''}  ${l === null ? '-' : `${Math.round(l)} ms to first audio`}  id ${t.id}`,
    `  you:  ${t.transcript || '-'}`,
    `  jett: ${t.reply || '-'}`,
  ];
}

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > VOICE_HISTORY_MAX) throw new UsageError(`--limit ${raw} is not a whole number from 1 to ${VOICE_HISTORY_MAX}`, 'e.g. `jett voice history --limit 50`');
  return n;
}

export function registerVoiceHistory(voice: Command, ctx: CliContext): void {
  const history = voice
    .command('history')
    .description('past voice turns, newest first (--search TEXT, --limit N; --json: an array of turn records); `history delete` removes turns')
    .option('--search <text>', 'only turns whose transcript or reply contains this text')
    .option('--limit <n>', `how many turns (1-${VOICE_HISTORY_MAX}, default 20)`)
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean; search?: string; limit?: string }>();
      const query: VoiceHistoryQuery = { limit: limitOf(opts.limit), ...(opts.search ? { search: opts.search } : {}) };
      const got = await viaAgent(ctx, (a) => a.call('voice.history', query));
      const turns = VoiceHistorySchema.parse(got ? got.value : withHistory(ctx, (h) => h.list(query)));
      if (opts.json) return ctx.out(JSON.stringify(turns));
      if (turns.length === 0) return ctx.out(opts.search ? `no turn mentions "${opts.search}"` : 'no voice turns yet');
      for (const t of turns) for (const line of describe(t)) ctx.out(line);
    });

  history
    .command('delete')
    .description('delete these turns (by id, from `jett voice history`), or --all: gone here now, on the VPS at the next sync')
    .argument('[ids...]', 'turn ids')
    .option('--all', 'every turn')
    .action(async (ids: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean; all?: boolean }>();
      if (Boolean(opts.all) === ids.length > 0) throw new UsageError('jett voice history delete needs turn ids or --all (not both)', 'list them with `jett voice history`, then `jett voice history delete ID`');
      const what: VoiceHistoryDelete = opts.all ? { all: true } : { ids };
      const got = await viaAgent(ctx, (a) => a.call('voice.history.delete', what));
      const r: RedactionResult = got ? got.value : withHistory(ctx, (h) => h.delete(what));
      if (opts.json) return ctx.out(JSON.stringify(r));
      ctx.out(`deleted ${r.localRows} turn(s) here; ${r.outboxRows} outbox row(s) redacted; the VPS deletes its copy at the next sync`);
    });
  for (const cmd of history.commands) cmd.exitOverride().configureOutput(voice.configureOutput());
}
