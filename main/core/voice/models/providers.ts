// Plugs the Whisper and Kokoro engines into the voice pipeline's engine factory (voice/setup.ts): each provider
// returns null when its model is not installed, and announces the execution provider it runs on - on the bus, in
// the log, and in the status snapshot's `models` part.
import type { Config } from '../../contracts/config.js';
import type { Catalogue, ExecutionProviderChoice } from '../../contracts/models.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log/logger.js';
import type { ModelEngineProviders } from '../setup.js';
import { findEntry, loadCatalogue } from './catalogue.js';
import { chooseExecutionProvider, describeChoice, type OrtEnvironment } from './execution-provider.js';
import { isPresent } from './installed.js';
import { KokoroTextToSpeech } from './kokoro.js';
import { loadOrtEnvironment } from './ort-environment.js';
import { ModelsStatusTracker } from './status-tracker.js';
import { WhisperSpeechToText } from './whisper.js';

export { ModelsStatusTracker };

export interface ModelEngineDeps {
  logger: Logger;
  bus?: EventBus;
  catalogue?: Catalogue;
  ort?: () => Promise<OrtEnvironment>;
}

export function modelEngineProviders(deps: ModelEngineDeps, tracker = new ModelsStatusTracker()): ModelEngineProviders {
  const catalogue = () => deps.catalogue ?? loadCatalogue();
  const ort = deps.ort ?? loadOrtEnvironment;
  const announcer = (task: 'stt' | 'tts') => (choice: ExecutionProviderChoice) => {
    tracker.record(task, choice);
    const line = describeChoice(choice);
    if (choice.fallback) deps.logger.warn(line, { engine: choice.engine, ep: choice.ep, requested: choice.requested });
    else deps.logger.info(line, { engine: choice.engine, ep: choice.ep, requested: choice.requested });
    deps.bus?.emit('models.executionProvider', choice);
  };

  return {
    speechToText: async (config: Config, modelsDir: string) => {
      const entry = findEntry(catalogue(), config.models.stt);
      if (!isPresent(modelsDir, entry)) return null;
      const choice = chooseExecutionProvider(entry.name, config.models.executionProvider, await ort());
      return tracker.measure('stt', entry.name, () => WhisperSpeechToText.load({ modelsDir, entry, language: config.models.sttLanguage, choice, announce: announcer('stt') }));
    },
    textToSpeech: async (config: Config, modelsDir: string) => {
      if (!config.models.tts) return null;
      const entry = findEntry(catalogue(), config.models.tts);
      if (!isPresent(modelsDir, entry)) return null;
      const choice = chooseExecutionProvider(entry.name, config.models.executionProvider, await ort());
      return tracker.measure('tts', entry.name, () => KokoroTextToSpeech.load({ modelsDir, entry, voice: config.models.ttsVoice, speed: config.models.ttsSpeed, choice, announce: announcer('tts') }));
    },
  };
}
