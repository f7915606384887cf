// Builds the configured pipeline: engines from config (Ollama, espeak-ng until a TTS model is installed, the
// speech-to-text model once issue 7's model manager provides one), the microphone, sox playback and the store.
import type Database from 'better-sqlite3';
import type { Config } from '../contracts/config.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { MicrophoneSource, type AudioSource } from './capture.js';
import { DEFAULT_ENDPOINT } from './endpointer.js';
import type { AudioSink, SpeechToText, TextToSpeech, VoiceEngines } from './engines.js';
import { EngineError } from './errors.js';
import { EspeakTextToSpeech } from './espeak-tts.js';
import type { TurnMemory } from './memory-hook.js';
import { OllamaLanguageModel } from './ollama.js';
import { VoicePipeline, type VoicePipelineOptions } from './pipeline.js';
import { SoxPlayer } from './playback.js';
import { VoiceStore } from './store.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from './test-engines.js';
import { SileroVad } from './vad.js';
import type { HandsFree } from './wake-setup.js';

/** Where the model engines (./models) plug in: each returns null when its model is not installed. */
export interface ModelEngineProviders {
  speechToText?: (config: Config, modelsDir: string) => Promise<SpeechToText | null>;
  textToSpeech?: (config: Config, modelsDir: string) => Promise<TextToSpeech | null>;
}

export interface EngineChoice {
  resolveBinary: (name: string) => string | null;
  modelsDir: string;
  providers?: ModelEngineProviders;
  /** The deterministic test engines, with the delays of an RTX 3070 budget unless zero is asked for. */
  testEngines?: boolean;
}

export const RTX3070_BUDGET = { sttMs: 50, llmFirstTokenMs: 50, tokensPerSecond: 65, ttsMsPerFragment: 60 };

export async function configuredEngines(config: Config, choice: EngineChoice): Promise<VoiceEngines> {
  if (choice.testEngines) {
    return {
      stt: new ScriptedSpeechToText({ delayMs: RTX3070_BUDGET.sttMs }),
      llm: new ScriptedLanguageModel({ firstTokenMs: RTX3070_BUDGET.llmFirstTokenMs, tokensPerSecond: RTX3070_BUDGET.tokensPerSecond }),
      tts: new ToneTextToSpeech({ msPerFragment: RTX3070_BUDGET.ttsMsPerFragment }),
    };
  }
  const stt = (await choice.providers?.speechToText?.(config, choice.modelsDir)) ?? null;
  if (!stt) {
    throw new EngineError(
      `no speech-to-text model is installed (looked in ${choice.modelsDir})`,
      'download one with `jett models pull whisper-base` (the model manager), or run the same turn with the test engines: `jett voice --input FILE --test-engines`',
    );
  }
  const tts = (await choice.providers?.textToSpeech?.(config, choice.modelsDir)) ?? new EspeakTextToSpeech({ resolveBinary: choice.resolveBinary });
  const llm = new OllamaLanguageModel({ host: config.ollama.host, model: config.ollama.model, keepAlive: config.ollama.keepAlive });
  return { stt, llm, tts };
}

export function pipelineOptions(config: Config): VoicePipelineOptions {
  return {
    activation: config.voice.activation,
    bargeIn: config.voice.bargeIn,
    endpoint: { ...DEFAULT_ENDPOINT, silenceMs: config.voice.silenceMs, preemptMs: config.voice.preemptMs },
    memoryTurns: config.voice.memoryTurns,
    systemPrompt: config.voice.systemPrompt,
  };
}

/**
 * Where a front end's own audio stack takes over the microphone and the speaker (the tray app's capture page);
 * null for a config that wants sox. `logger` is the pipeline's, for what the route has to report.
 */
export type AudioRoute = (config: Config, logger: Logger) => { openSource: () => AudioSource; sink: AudioSink } | null;

export interface BuildPipelineDeps {
  config: Config;
  engines: VoiceEngines;
  logger: Logger;
  resolveBinary: (name: string) => string | null;
  db?: Database.Database;
  bus?: EventBus;
  sink?: AudioSink;
  /** A loaded VAD (the agent loads it itself to measure it); default: the bundled Silero model. */
  vad?: SileroVad;
  /** The front end's own capture and playback; default (and where it answers null): sox. */
  audio?: AudioRoute;
  /** Hands-free's wake word (handsFreeFromConfig), which may fall back to the hotkey. */
  handsFree?: HandsFree;
  /** Recall and spoken memory commands (main/core/memory); without it voice answers from its recent turns only. */
  memory?: TurnMemory;
}

export async function buildPipeline(deps: BuildPipelineDeps): Promise<VoicePipeline> {
  const { config } = deps;
  const route = deps.audio?.(config, deps.logger) ?? null;
  return new VoicePipeline({
    engines: deps.engines,
    sink: deps.sink ?? route?.sink ?? new SoxPlayer({ resolveBinary: deps.resolveBinary }),
    vad: deps.vad ?? (await SileroVad.load()),
    openSource: route?.openSource ?? (() => new MicrophoneSource({ recorder: config.voice.recorder, device: config.voice.inputDevice, resolveBinary: deps.resolveBinary })),
    logger: deps.logger,
    options: { ...pipelineOptions(config), ...(deps.handsFree ? { activation: deps.handsFree.activation } : {}) },
    ...(deps.handsFree?.wake ? { wake: deps.handsFree.wake } : {}),
    ...(deps.bus ? { bus: deps.bus } : {}),
    ...(deps.db ? { store: new VoiceStore(deps.db) } : {}),
    ...(deps.memory ? { memory: deps.memory } : {}),
  });
}
