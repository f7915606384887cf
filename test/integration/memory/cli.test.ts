// `jett memory list|search|forget|export` in-process on a real JETT_HOME: items embedded by minilm-standin
// (installed under the English model's catalogue name, as a pull would put it), the --json shapes, forgetting
// with its tombstone queued, and the errors a user can act on.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { MemoryExportOutputSchema, MemoryForgetOutputSchema, MemoryListOutputSchema, type MemoryItem } from '../../../main/core/contracts/memory.js';
import { openLocalDb } from '../../../main/core/db/local-db.js';
import { ENGLISH_EMBEDDER, loadEmbedder } from '../../../main/core/memory/embedder.js';
import { MemoryStore } from '../../../main/core/memory/store.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { jett } from '../../helpers/cli.js';
import { miniLmModelsDir, STANDIN_NAME, standInEntry } from '../../helpers/minilm-standin.js';
import { tempDir } from '../../helpers/tmp.js';

const FACTS = ['The plumber comes on Tuesday.', 'The backup runs every night at two.', 'My sister lives in Lisbon.'];
let home: string;
const items: MemoryItem[] = [];

beforeAll(async () => {
  home = tempDir();
  const models = path.join(home, 'models');
  fs.mkdirSync(models);
  fs.symlinkSync(path.join(miniLmModelsDir(), STANDIN_NAME), path.join(models, ENGLISH_EMBEDDER));
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ models: { executionProvider: 'cpu' } }));
  const embedder = await loadEmbedder(ConfigSchema.parse({ models: { embed: STANDIN_NAME, executionProvider: 'cpu' } }), miniLmModelsDir(), {
    catalogue: () => ({ version: 1, models: [standInEntry] }),
    ort: async () => ({ platform: process.platform, arch: process.arch, backends: [{ name: 'cpu', bundled: true }], libDir: null }),
    announce: () => undefined,
  });
  const local = openLocalDb(path.join(home, 'jett.db'));
  const store = new MemoryStore(local.db, { outbox: new Outbox(local) });
  for (const [i, text] of FACTS.entries()) items.push(store.add({ kind: 'fact', text, vector: await embedder!.embed(text), model: ENGLISH_EMBEDDER, private: i === 2 }));
  local.close();
});

describe('jett memory', () => {
  it('list --json prints {id, at, text, kind, private}, newest first', async () => {
    const r = await jett(['memory', 'list', '--json'], { home });
    expect(r.code).toBe(0);
    const list = MemoryListOutputSchema.parse(JSON.parse(r.stdout));
    expect(list).toEqual([...items].reverse());
    expect(Object.keys(list[0]!).sort()).toEqual(['at', 'id', 'kind', 'private', 'text']);
  });

  it('search --json finds the item nearest in meaning first, through the configured embedding model', async () => {
    const r = await jett(['memory', 'search', 'when', 'is', 'the', 'plumber', 'coming', '--json', '--limit', '2'], { home });
    expect(r.stderr).toBe('');
    const found = MemoryListOutputSchema.parse(JSON.parse(r.stdout));
    expect(found).toHaveLength(2);
    expect(found[0]!.text).toBe('The plumber comes on Tuesday.');
  });

  it('forget --json forgets here and queues a tombstone; an unknown id is reported and fails the command', async () => {
    const target = items[1]!;
    const r = await jett(['memory', 'forget', target.id, '--json'], { home });
    expect(MemoryForgetOutputSchema.parse(JSON.parse(r.stdout))).toEqual({ forgotten: [target.id], missing: [] });
    const list = MemoryListOutputSchema.parse(JSON.parse((await jett(['memory', 'list', '--json'], { home })).stdout));
    expect(list.map((i) => i.id)).not.toContain(target.id);
    const local = openLocalDb(path.join(home, 'jett.db'));
    expect(local.db.prepare("SELECT payload FROM outbox WHERE kind = 'event.redact'").pluck().all()).toEqual([JSON.stringify({ kind: 'memory.item', ids: [target.id], all: false, reason: 'forget' })]);
    expect(local.db.prepare("SELECT count(*) FROM outbox WHERE payload LIKE '%backup runs%'").pluck().get()).toBe(0);
    local.close();
    const missing = await jett(['memory', 'forget', 'no-such-id'], { home });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('not found (or forgotten already): no-such-id');
  });

  it('export --json holds every live item with its model', async () => {
    const out = MemoryExportOutputSchema.parse(JSON.parse((await jett(['memory', 'export', '--json'], { home })).stdout));
    expect(out.items.map((i) => [i.text, i.model, i.private])).toEqual([
      ['The plumber comes on Tuesday.', ENGLISH_EMBEDDER, false],
      ['My sister lives in Lisbon.', ENGLISH_EMBEDDER, true],
    ]);
  });

  it('search without the embedding model says how to get it; a bad --limit says what to pass', async () => {
    const bare = tempDir();
    const r = await jett(['memory', 'search', 'plumber'], { home: bare });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the embedding model ${ENGLISH_EMBEDDER} is not downloaded`);
    expect(r.stderr).toContain(`jett models pull ${ENGLISH_EMBEDDER}`);
    const bad = await jett(['memory', 'list', '--limit', 'lots'], { home: bare });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--limit must be a whole number');
  });
});
