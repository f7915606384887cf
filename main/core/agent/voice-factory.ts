// Builds the agent's voice pipeline from config: the model engines when installed, otherwise voice stays off and
// the log and the status say why (no speech-to-text model yet is the usual reason), never an agent crash. Models
// never downloaded are "not configured" (which ones, and how to get them), shown in the status without an alarm.
import type { Config } from '../contracts/config.js';
import type { ServiceSetup } from '../contracts/status.js';
import type { SqliteDb } from '../db/local-db.js';
import { formatError, JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { resolveBinary } from '../process/binaries.js';
import { modelEngineProviders, type ModelsStatusTracker } from '../voice/models/providers.js';
import { voiceReadiness } from '../voice/models/readiness.js';
import { buildPipeline, configuredEngines } from '../voice/setup.js';
import type { AgentVoice } from './voice-service.js';

export interface VoiceContext {
  bus: EventBus;
  db: SqliteDb;
  /** The settings to build from: the agent calls the factory again with new ones when voice, models or ollama change. */
  config: Config;
  /** Told whether the speech models are there (for the status snapshot); factories that need none may ignore it. */
  report?: (setup: ServiceSetup) => void;
}

export type VoiceFactory = (ctx: VoiceContext) => Promise<AgentVoice | null>;

/** `tracker` records which execution provider each model engine runs on; `modelsHome` is used where models.dir is empty. */
export function configuredVoice(opts: { logger: Logger; modelsHome: string; env: NodeJS.ProcessEnv; tracker: ModelsStatusTracker }): VoiceFactory {
  return async ({ bus, db, config, report }) => {
    const modelsDir = config.models.dir || opts.modelsHome;
    const which = (name: string) => resolveBinary(name, { env: opts.env });
    const logger = opts.logger.child({ component: 'voice' });
    try {
      const setup = voiceReadiness(config, modelsDir);
      report?.(setup);
      if (!setup.configured) {
        logger.info('voice not configured', { reason: setup.reason, next: setup.next });
        return null;
      }
      const engines = await configuredEngines(config, { resolveBinary: which, modelsDir, providers: modelEngineProviders({ logger, bus }, opts.tracker) });
      const pipeline = await buildPipeline({ config, engines, logger, resolveBinary: which, db, bus });
      await pipeline.start();
      return {
        state: () => pipeline.currentState,
        toggle: () => pipeline.toggle(),
        speak: (text) => pipeline.speak(text),
        ask: (text) => pipeline.ask(text),
        onTurn: (listener) => pipeline.onTurn(listener),
        stop: () => pipeline.stop(),
      };
    } catch (err) {
      if (!(err instanceof JettError)) throw err;
      logger.warn('voice is off', { reason: formatError(err) });
      bus.emit('notification', { title: 'Voice is off', body: `${err.message}. ${err.fix}` });
      return null;
    }
  };
}
