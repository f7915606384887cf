// The window's memory search uses the embedding model voice has loaded, while it is the configured one, rather than
// loading a second copy of its weights into the agent; a different model is loaded on its own.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { MemoryBrowser } from '../../../main/core/memory/browser.js';
import { MEMORY_DIMS, type TextEmbedder } from '../../../main/core/memory/embedder.js';
import { MemoryStore } from '../../../main/core/memory/store.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { tempDir } from '../../helpers/tmp.js';

const opened: LocalDb[] = [];
afterEach(() => {
  for (const l of opened.splice(0)) l.close();
});

function embedder(model: string, calls: string[]): TextEmbedder {
  return {
    name: `${model} (test)`,
    model,
    dims: MEMORY_DIMS,
    embed: async (text) => {
      calls.push(model);
      const v = new Float32Array(MEMORY_DIMS);
      v[text.length % MEMORY_DIMS] = 1;
      return v;
    },
  };
}

function browserWith(voiceModel: string | null) {
  const local = openLocalDb(`${tempDir('jett-browser-')}/jett.db`);
  opened.push(local);
  const outbox = new Outbox(local);
  const embeds: string[] = [];
  const loads: string[] = [];
  const voice = voiceModel ? embedder(voiceModel, embeds) : null;
  new MemoryStore(local.db, { outbox }).add({ kind: 'fact', text: 'The plumber comes on Tuesday.', vector: new Float32Array(MEMORY_DIMS).fill(1 / Math.sqrt(MEMORY_DIMS)), model: 'all-minilm-l6-v2', private: false });
  const browser = new MemoryBrowser({
    db: local.db,
    outbox,
    bus: new EventBus(),
    config: () => ConfigSchema.parse({ models: { embed: 'all-minilm-l6-v2' } }),
    modelsHome: tempDir('jett-models-'),
    load: async (config) => (loads.push(config.models.embed), embedder(config.models.embed, embeds)),
    loaded: () => voice,
  });
  return { browser, embeds, loads };
}

describe('MemoryBrowser search', () => {
  it("embeds with voice's loaded model when it is the configured one, loading no second copy", async () => {
    const b = browserWith('all-minilm-l6-v2');
    const view = await b.browser.list({ search: 'plumber', limit: 10 });
    expect(view.search.ready).toBe(true);
    expect(view.items.map((i) => i.text)).toEqual(['The plumber comes on Tuesday.']);
    expect(b.loads).toEqual([]);
    expect(b.embeds).toEqual(['all-minilm-l6-v2']);
  });

  it('loads the configured model itself when voice has none, or another one, loaded', async () => {
    for (const voiceModel of [null, 'multilingual-minilm-l12-v2']) {
      const b = browserWith(voiceModel);
      await b.browser.list({ search: 'plumber', limit: 10 });
      await b.browser.list({ search: 'tuesday', limit: 10 });
      expect(b.loads, String(voiceModel)).toEqual(['all-minilm-l6-v2']);
    }
  });
});
