// Hands-free's wake word from config, decided once when the pipeline is built: the detector loaded (its models
// verified by sha256), or, when they are missing or corrupt, hands-free falls back to off (the hotkey still works),
// the status and a notification say why, and the agent keeps running. voice.wakeWord none keeps the old any-speech
// hands-free, with a warning.
import type { Config } from '../contracts/config.js';
import type { WakeStatus } from '../contracts/status.js';
import type { VoiceActivation } from '../contracts/voice.js';
import type { WakeWord } from '../contracts/wake.js';
import { formatError, JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { WakeSetup } from './hands-free-wake.js';
import type { WakeWordDetector } from './wake-gate.js';
import type { WakeLog } from './wake-log.js';

export const ANY_SPEECH_WARNING = 'voice.wakeWord is none: in hands-free mode any speech in the room (a call, a video) becomes a question; set voice.wakeWord to hey_jarvis';

export interface HandsFree {
  /** What the pipeline runs: handsFree falls back to hotkey when the wake word cannot be had. */
  activation: VoiceActivation;
  wake: WakeSetup | null;
  /** For the status snapshot when there is no wake setup to ask (fallback, or no wake word). */
  status: WakeStatus | null;
}

export interface HandsFreeDeps {
  load: (word: WakeWord, threshold: number) => Promise<WakeWordDetector & { reset?(): void; close?(): Promise<void> }>;
  bus: EventBus;
  logger: Logger;
  log?: WakeLog;
}

export async function handsFreeFromConfig(config: Config, deps: HandsFreeDeps): Promise<HandsFree> {
  const { activation, wakeWord, wakeThreshold } = config.voice;
  if (activation !== 'handsFree') return { activation, wake: null, status: null };
  const off = (reason: string): WakeStatus => ({ listening: 'off', word: wakeWord, threshold: wakeThreshold, detections: 0, falseWakes: 0, reason });
  if (wakeWord === 'none') {
    deps.logger.warn('hands-free without a wake word', { reason: ANY_SPEECH_WARNING });
    return { activation, wake: null, status: { ...off(ANY_SPEECH_WARNING), listening: 'on' } };
  }
  try {
    const detector = await deps.load(wakeWord, wakeThreshold);
    return { activation, wake: { word: wakeWord, threshold: wakeThreshold, detector, ...(deps.log ? { log: deps.log } : {}) }, status: null };
  } catch (err) {
    if (!(err instanceof JettError)) throw err;
    const reason = `hands-free is off: ${err.message}. ${err.fix}`;
    deps.logger.error('wake word unavailable: hands-free falls back to off', { error: formatError(err) });
    deps.bus.emit('notification', { title: 'Hands-free is off', body: `${err.message}\nfix: ${err.fix}\nThe hotkey still starts a turn.` });
    return { activation: 'hotkey', wake: null, status: off(reason) };
  }
}
