// The window's memory view over the agent's database: items newest first (no model needed), a search nearest in
// meaning first (voice's embedding model when it has the configured one loaded, else one loaded here on the first
// search and kept while the settings name the same one), and
// forgetting through the store, so a forget reaches the VPS through the outbox like `jett memory forget`.
import type { Config } from '../contracts/config.js';
import type { MemoryForget, MemoryForgetOutput, MemoryItem, MemoryView, MemoryViewQuery } from '../contracts/memory.js';
import { MemoryViewQuerySchema } from '../contracts/memory.js';
import type { SqliteDb } from '../db/local-db.js';
import { JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Outbox } from '../outbox/store.js';
import { loadCatalogue } from '../voice/models/catalogue.js';
import { loadOrtEnvironment } from '../voice/models/ort-environment.js';
import { embedderName, loadEmbedder, type TextEmbedder } from './embedder.js';
import { MemoryStore } from './store.js';

export interface MemoryBrowserDeps {
  db: SqliteDb;
  outbox: Outbox;
  bus: EventBus;
  /** The settings now (models.embed, models.dir may change while the agent runs). */
  config: () => Config;
  /** Where models live when models.dir is empty. */
  modelsHome: string;
  /** Loads the configured embedder (null: not downloaded); tests give a stand-in. */
  load?: (config: Config, modelsDir: string) => Promise<TextEmbedder | null>;
  /** The embedder voice has loaded already, if any: used while it is the configured model, instead of a second copy. */
  loaded?: () => TextEmbedder | null;
}

const itemOf = (i: MemoryItem): MemoryItem => ({ id: i.id, at: i.at, text: i.text, kind: i.kind, private: i.private });

export class MemoryBrowser {
  private loaded: { key: string; embedder: Promise<TextEmbedder> } | null = null;

  constructor(private readonly deps: MemoryBrowserDeps) {}

  private store(): MemoryStore {
    return new MemoryStore(this.deps.db, { outbox: this.deps.outbox, bus: this.deps.bus });
  }

  async list(query: MemoryViewQuery): Promise<MemoryView> {
    const q = MemoryViewQuerySchema.parse(query);
    const model = embedderName(this.deps.config());
    const text = q.search?.trim();
    if (!text) return { items: this.store().list(q.limit).map(itemOf), search: { ready: true, model, reason: null } };
    try {
      const vector = await (await this.embedder()).embed(text);
      return { items: this.store().search(vector, q.limit).map(itemOf), search: { ready: true, model, reason: null } };
    } catch (err) {
      if (!(err instanceof JettError)) throw err;
      return { items: [], search: { ready: false, model, reason: `${err.message}. ${err.fix}` } };
    }
  }

  forget(what: MemoryForget): MemoryForgetOutput {
    return this.store().forget(what.ids);
  }

  /**
   * The configured embedder: voice's own while it has that model loaded (the browser's copy is then let go), else
   * one loaded here; a missing or damaged model is not kept, so a pull made meanwhile is found next time.
   */
  private embedder(): Promise<TextEmbedder> {
    const config = this.deps.config();
    const name = embedderName(config);
    const voices = this.deps.loaded?.();
    if (voices?.model === name) {
      this.loaded = null;
      return Promise.resolve(voices);
    }
    const modelsDir = config.models.dir || this.deps.modelsHome;
    const key = `${name}|${modelsDir}|${config.models.executionProvider}`;
    if (this.loaded?.key !== key) {
      const load = this.deps.load ?? ((c: Config, dir: string) => loadEmbedder(c, dir, { catalogue: () => loadCatalogue(), ort: loadOrtEnvironment, announce: () => undefined }));
      const embedder = load(config, modelsDir).then((found) => {
        if (!found) throw new JettError(`searching memory needs the embedding model ${name}, which is not downloaded`, `download it on the Models screen or with \`jett models pull ${name}\``);
        return found;
      });
      this.loaded = { key, embedder };
      embedder.catch(() => {
        if (this.loaded?.embedder === embedder) this.loaded = null;
      });
    }
    return this.loaded!.embedder;
  }
}
