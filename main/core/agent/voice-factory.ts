// Builds the agent's voice pipeline from config: the model engines when installed, otherwise voice stays off and
// the log and the status say why (no speech-to-text model yet is the usual reason), never an agent crash. Models
// never downloaded are "not configured" (which ones, and how to get them), shown in the status without an alarm.
// The speech runtimes (onnxruntime, transformers.js, kokoro-js) are imported here, only once voice is on and its
// models are there: an agent with voice off, or without models, never loads them.
import type { Config } from '../contracts/config.js';
import type { ServiceSetup } from '../contracts/status.js';
import type { SqliteDb } from '../db/local-db.js';
import { formatError, JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from '../outbox/store.js';
import { resolveBinary } from '../process/binaries.js';
import { voiceReadiness } from '../voice/models/readiness.js';
import type { ModelsStatusTracker } from '../voice/models/status-tracker.js';
import type { AudioRoute } from '../voice/setup.js';
import { handsFreeFromConfig } from '../voice/wake-setup.js';
import { WakeLog } from '../voice/wake-log.js';
import type { AgentVoice } from './voice-service.js';

export interface VoiceContext {
  bus: EventBus;
  db: SqliteDb;
  /** Where memory's shared items and forgets go to the VPS. */
  outbox?: Outbox;
  /** The settings to build from: the agent calls the factory again with new ones when voice, models or ollama change. */
  config: Config;
  /** The tray paused hands-free before this rebuild: the new pipeline starts paused, its microphone closed. */
  handsFreePaused?: boolean;
  /** Told whether the speech models are there (for the status snapshot); factories that need none may ignore it. */
  report?: (setup: ServiceSetup) => void;
}

export type VoiceFactory = (ctx: VoiceContext) => Promise<AgentVoice | null>;

/** Voice switched off in the config: not a fault, and the status says how to switch it back on. */
export const VOICE_SWITCHED_OFF: ServiceSetup = {
  configured: false,
  reason: 'voice is switched off (voice.enabled is false): no speech runtime is loaded',
  next: 'switch it on with `jett config set voice.enabled true`',
};

/**
 * `tracker` records which execution provider each model engine runs on, and what each model costs in memory;
 * `modelsHome` is used where models.dir is empty.
 */
export function configuredVoice(opts: { logger: Logger; modelsHome: string; env: NodeJS.ProcessEnv; tracker: ModelsStatusTracker; audio?: AudioRoute }): VoiceFactory {
  return async ({ bus, db, outbox, config, report, handsFreePaused }) => {
    const modelsDir = config.models.dir || opts.modelsHome;
    const which = (name: string) => resolveBinary(name, { env: opts.env });
    const logger = opts.logger.child({ component: 'voice' });
    if (!config.voice.enabled) {
      opts.tracker.forgetModels();
      report?.(VOICE_SWITCHED_OFF);
      logger.info('voice switched off', { reason: VOICE_SWITCHED_OFF.reason });
      return null;
    }
    try {
      const setup = voiceReadiness(config, modelsDir);
      report?.(setup);
      if (!setup.configured) {
        opts.tracker.forgetModels();
        logger.info('voice not configured', { reason: setup.reason, next: setup.next });
        return null;
      }
      const load = () => Promise.all([import('../voice/setup.js'), import('../voice/models/providers.js'), import('../voice/vad.js')]);
      // A rebuild (new settings) finds them imported already: measuring again would report their cost as zero.
      const [{ buildPipeline, configuredEngines }, { modelEngineProviders }, { SileroVad }] = opts.tracker.measured('runtime')
        ? await load()
        : await opts.tracker.measure('runtime', 'onnxruntime-node, transformers.js, kokoro-js', load);
      const vad = await opts.tracker.measure('vad', 'silero-vad-v5', () => SileroVad.load());
      const engines = await configuredEngines(config, { resolveBinary: which, modelsDir, providers: modelEngineProviders({ logger, bus }, opts.tracker) });
      const built = await handsFreeFromConfig(config, {
        load: async (word, threshold) => (await import('../voice/wake/detector.js')).createWakeDetector({ word, threshold }),
        bus,
        logger,
        log: new WakeLog(db),
      });
      const handsFree = built.wake && handsFreePaused ? { ...built, wake: { ...built.wake, paused: true } } : built;
      const { loadVoiceMemory } = await import('../memory/setup.js');
      const memory = await loadVoiceMemory({ config, modelsDir, db, bus, logger, ...(outbox ? { outbox } : {}) });
      const pipeline = await buildPipeline({ config, engines, logger, resolveBinary: which, db, bus, vad, handsFree, ...(opts.audio ? { audio: opts.audio } : {}), ...(memory ? { memory } : {}) });
      await pipeline.start();
      return {
        state: () => pipeline.currentState,
        toggle: () => pipeline.toggle(),
        hold: (down) => (down ? pipeline.startListening() : pipeline.stopListening()),
        bargeIn: () => pipeline.bargeIn,
        speak: (text) => pipeline.speak(text),
        ask: (text) => pipeline.ask(text),
        onTurn: (listener) => pipeline.onTurn(listener),
        transcribe: async (audio) => ({ text: (await engines.stt.transcribe(audio, new AbortController().signal)).text, model: engines.stt.name }),
        // A settings change builds a new pipeline: the old detector's onnxruntime sessions (about 50 MB) go with it.
        stop: async () => {
          await pipeline.stop();
          await handsFree.wake?.detector.close?.();
        },
        wake: () => pipeline.wakeStatus() ?? handsFree.status,
        pauseHandsFree: (paused) => pipeline.pauseHandsFree(paused),
        embedder: () => memory?.embedder ?? null,
      };
    } catch (err) {
      if (!(err instanceof JettError)) throw err;
      logger.warn('voice is off', { reason: formatError(err) });
      bus.emit('notification', { title: 'Voice is off', body: `${err.message}. ${err.fix}` });
      return null;
    }
  };
}
