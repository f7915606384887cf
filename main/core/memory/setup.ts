// Memory for the voice pipeline, from config: the embedding model (when downloaded) and the store in jett.db. Any
// failure - no model, a damaged one, sqlite-vec that will not load - leaves memory off with the reason in the log
// and a notification, and voice answers as before, from its recent turns.
import type { Config } from '../contracts/config.js';
import type { Catalogue, ExecutionProviderChoice } from '../contracts/models.js';
import type { SqliteDb } from '../db/local-db.js';
import { formatError, JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from '../outbox/store.js';
import { loadCatalogue } from '../voice/models/catalogue.js';
import type { OrtEnvironment } from '../voice/models/execution-provider.js';
import { loadOrtEnvironment } from '../voice/models/ort-environment.js';
import { embedderName, loadEmbedder } from './embedder.js';
import { MemoryStore } from './store.js';
import { VoiceMemory } from './voice-memory.js';

export interface VoiceMemoryDeps {
  config: Config;
  modelsDir: string;
  db: SqliteDb;
  outbox?: Outbox;
  bus?: EventBus;
  logger: Logger;
  catalogue?: Catalogue;
  ort?: () => Promise<OrtEnvironment>;
}

export async function loadVoiceMemory(deps: VoiceMemoryDeps): Promise<VoiceMemory | null> {
  const log = deps.logger.child({ component: 'memory' });
  if (deps.config.voice.recallItems === 0) log.info('recall is off (voice.recallItems is 0): answered turns are still remembered');
  try {
    const announce = (c: ExecutionProviderChoice) => {
      log.info(`${c.engine} runs on ${c.ep}`, { ep: c.ep, fallback: c.fallback, reason: c.reason });
      deps.bus?.emit('models.executionProvider', c);
    };
    const embedder = await loadEmbedder(deps.config, deps.modelsDir, { catalogue: () => deps.catalogue ?? loadCatalogue(), ort: deps.ort ?? loadOrtEnvironment, announce });
    if (!embedder) {
      const name = embedderName(deps.config);
      log.info('memory is off: its embedding model is not downloaded', { model: name, next: `jett models pull ${name}` });
      return null;
    }
    const store = new MemoryStore(deps.db, { ...(deps.outbox ? { outbox: deps.outbox } : {}), ...(deps.bus ? { bus: deps.bus } : {}) });
    return new VoiceMemory(embedder, store, {
      items: deps.config.voice.recallItems,
      tokens: deps.config.voice.recallTokens,
      recentTurns: deps.config.voice.memoryTurns,
      onError: (err) => log.warn('could not remember a turn', { error: formatError(err) }),
    });
  } catch (err) {
    if (!(err instanceof JettError)) throw err;
    log.warn('memory is off; voice answers without it', { reason: formatError(err) });
    deps.bus?.emit('notification', { title: 'Memory is off', body: `${err.message}. ${err.fix}` });
    return null;
  }
}
