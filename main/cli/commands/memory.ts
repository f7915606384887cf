// `jett memory list|search|forget|export`: what Jett remembers, in jett.db. Works on the database directly (the
// agent may run meanwhile: SQLite's WAL lets both in); a forget of a shared item queues its tombstone in the outbox,
// which the agent pushes to the VPS (PostgreSQL, then Qdrant) when the tunnel is up.
import type { Command } from 'commander';
import type { MemoryExportOutput, MemoryForgetOutput, MemoryItem } from '../../core/contracts/memory.js';
import { openLocalDb } from '../../core/db/local-db.js';
import { JettError } from '../../core/errors.js';
import { embedderName, loadEmbedder } from '../../core/memory/embedder.js';
import { MemoryStore } from '../../core/memory/store.js';
import { Outbox } from '../../core/outbox/store.js';
import { EngineError } from '../../core/voice/errors.js';
import { loadCatalogue } from '../../core/voice/models/catalogue.js';
import { loadOrtEnvironment } from '../../core/voice/models/ort-environment.js';
import type { CliContext } from '../context.js';

async function withStore<T>(ctx: CliContext, fn: (store: MemoryStore) => Promise<T> | T): Promise<T> {
  const local = openLocalDb(ctx.runtime().paths.database);
  try {
    return await fn(new MemoryStore(local.db, { outbox: new Outbox(local) }));
  } finally {
    local.close();
  }
}

const itemOf = (i: MemoryItem): MemoryItem => ({ id: i.id, at: i.at, text: i.text, kind: i.kind, private: i.private });

function printItems(ctx: CliContext, items: MemoryItem[], json: boolean | undefined, empty: string): void {
  if (json) return ctx.out(JSON.stringify(items.map(itemOf)));
  if (items.length === 0) return ctx.out(empty);
  for (const i of items) ctx.out(`${i.id}  ${i.at.slice(0, 16).replace('T', ' ')}  ${i.kind.padEnd(4)}${i.private ? '  private' : ''}  ${i.text.replace(/\s+/g, ' ')}`);
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new JettError(`--limit must be a whole number from 1 to 10000, not "${v}"`, 'pass e.g. --limit 20');
  return n;
};

export function registerMemory(program: Command, ctx: CliContext): void {
  const memory = program.command('memory').description('what Jett remembers: list, search, forget (here and on the VPS), export');

  memory
    .command('list')
    .description('remembered items, newest first')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print an array of {"id","at","text","kind","private"}')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const limit = positive(opts.limit);
      const items = await withStore(ctx, (s) => s.list(limit));
      printItems(ctx, items, opts.json, 'nothing remembered yet');
    });

  memory
    .command('search')
    .description('the items nearest in meaning to QUERY, nearest first (uses the embedding model, models.embed)')
    .argument('<query...>', 'what to look for')
    .option('--limit <n>', 'how many', '10')
    .option('--json', 'print an array of {"id","at","text","kind","private"}')
    .action(async (query: string[], opts: { limit: string; json?: boolean }) => {
      const limit = positive(opts.limit);
      const rt = ctx.runtime();
      const config = rt.config.load();
      const modelsDir = config.models.dir || rt.paths.models;
      const embedder = await loadEmbedder(config, modelsDir, { catalogue: () => loadCatalogue(), ort: loadOrtEnvironment, announce: () => undefined });
      if (!embedder) {
        const name = embedderName(config);
        throw new EngineError(`the embedding model ${name} is not downloaded (looked in ${modelsDir})`, `download it with \`jett models pull ${name}\`, or list without searching: \`jett memory list\``);
      }
      const vector = await embedder.embed(query.join(' '));
      const found = await withStore(ctx, (s) => s.search(vector, limit));
      printItems(ctx, found, opts.json, 'nothing remembered about that');
    });

  memory
    .command('forget')
    .description('forget items by id, here and (through the outbox, even offline) on the VPS')
    .argument('<id...>', 'ids from `jett memory list` or `search`')
    .option('--json', 'print {"forgotten","missing"}')
    .action(async (ids: string[], opts: { json?: boolean }) => {
      const result: MemoryForgetOutput = await withStore(ctx, (s) => s.forget(ids));
      if (opts.json) ctx.out(JSON.stringify(result));
      else {
        ctx.out(`forgot ${result.forgotten.length} item(s)${result.forgotten.length > 0 ? '; the VPS forgets them when the outbox next reaches it' : ''}`);
        if (result.missing.length > 0) ctx.out(`not found (or forgotten already): ${result.missing.join(', ')}`);
      }
      if (result.forgotten.length === 0 && result.missing.length > 0) ctx.exitCode = 1;
    });

  memory
    .command('export')
    .description('every remembered item with the model that embedded it (vectors are not exported)')
    .option('--json', 'print {"exportedAt","items":[{"id","at","text","kind","private","model"}]}')
    .action(async (opts: { json?: boolean }) => {
      const out: MemoryExportOutput = { exportedAt: new Date().toISOString(), items: await withStore(ctx, (s) => s.exportAll()) };
      if (opts.json) return ctx.out(JSON.stringify(out));
      printItems(ctx, out.items, false, 'nothing remembered yet');
    });
}
