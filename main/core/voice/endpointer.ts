// End-of-turn decisions from per-frame speech probabilities, on the audio's own clock (sample indices), so the
// same audio gives the same decisions however loaded the machine is.
import { FRAME_SAMPLES, SAMPLE_RATE } from './vad.js';

export interface EndpointOptions {
  /** A frame at or above this probability is speech. */
  startThreshold: number;
  /** Once speaking, a frame below this starts the end-of-turn silence; between the two nothing changes. */
  stopThreshold: number;
  /** Speech shorter than this (a cough, a click, a burst of noise) never starts a turn. */
  minSpeechMs: number;
  /** Silence that ends the turn, counted from the first frame below the stop threshold. */
  silenceMs: number;
  /** Audio kept from before the detected start, so the first syllable reaches speech-to-text. */
  preRollMs: number;
  /** A turn that never pauses is ended here. */
  maxTurnMs: number;
  /**
   * Silence after which a tentative end is announced so the answer can be prepared before the turn ends (0: off).
   * Shorter than silenceMs; if speech resumes the tentative end is withdrawn.
   */
  preemptMs: number;
}

export const DEFAULT_ENDPOINT: EndpointOptions = {
  startThreshold: 0.5,
  stopThreshold: 0.35,
  minSpeechMs: 160,
  silenceMs: 300,
  preRollMs: 300,
  maxTurnMs: 30_000,
  preemptMs: 150,
};

export const msToSamples = (ms: number): number => Math.round((ms * SAMPLE_RATE) / 1000);
export const samplesToMs = (samples: number): number => (samples * 1000) / SAMPLE_RATE;

export type EndpointEvent =
  | { type: 'speech-start'; /** first sample of the first speech frame */ sample: number }
  /** Silence has lasted preemptMs: the turn may be ending (the turn-end or a resume follows). */
  | { type: 'pause'; speechStart: number; speechEnd: number; sample: number }
  /** Speech came back after a pause event: the tentative end is withdrawn. */
  | { type: 'resume'; sample: number }
  | {
      type: 'turn-end';
      speechStart: number;
      /** The pipeline's estimate of the end of speech: the start of the first frame below the stop threshold. */
      speechEnd: number;
      /** Where the decision was taken: the end of the frame that completed the silence. */
      sample: number;
      reason: 'silence' | 'max-length';
    };

/**
 * A start candidate holding this many speech frames (96 ms) is a likely onset of the user's voice. It survives one
 * short closure inside its word: in "Actually" the VAD hears three frames of "A", then three or four frames below the
 * stop threshold through the "k-t" (the hysteresis band between them) before the rest. Only speech frames count
 * toward the minimum, so a turn still needs 160 ms of speech; a weaker candidate (a click, a short noise) is still
 * dropped by its first silent frame, and a second closure drops any candidate, so separate short noises never add up
 * to a start. During a reply a likely onset hushes the playback until the start is confirmed or dropped
 * (turn-detector.ts, hushable-sink.ts).
 */
export const ONSET_FRAMES = 3;
/** The most frames below the stop threshold one closure may hold (128 ms); a pause between words holds more. */
export const CLOSURE_FRAMES = 4;

type State =
  | {
      kind: 'idle';
      candidateStart: number | null;
      candidateFrames: number;
      /** Frames below the stop threshold in the closure in progress (0: none). */
      gap: number;
      /** The candidate already bridged its one closure. */
      bridged: boolean;
    }
  | { kind: 'speech'; start: number; silenceStart: number | null; paused: boolean };

const IDLE: State = { kind: 'idle', candidateStart: null, candidateFrames: 0, gap: 0, bridged: false };

export class Endpointer {
  private state: State = IDLE;
  private readonly minSpeechFrames: number;
  private readonly silenceSamples: number;
  private readonly maxTurnSamples: number;
  private readonly preemptSamples: number;

  constructor(readonly options: EndpointOptions = DEFAULT_ENDPOINT) {
    if (!(options.stopThreshold <= options.startThreshold)) throw new RangeError('the stop threshold must not exceed the start threshold');
    this.minSpeechFrames = Math.max(1, Math.ceil(msToSamples(options.minSpeechMs) / FRAME_SAMPLES));
    this.silenceSamples = msToSamples(options.silenceMs);
    this.maxTurnSamples = msToSamples(options.maxTurnMs);
    this.preemptSamples = options.preemptMs > 0 && options.preemptMs < options.silenceMs ? msToSamples(options.preemptMs) : 0;
  }

  get speaking(): boolean {
    return this.state.kind === 'speech';
  }

  /** Speech frames of the start candidate so far (0 while speaking or with no candidate). */
  get candidateFrames(): number {
    return this.state.kind === 'idle' ? this.state.candidateFrames : 0;
  }

  /** The first sample of the start candidate's first speech frame (null while speaking or with no candidate). */
  get candidateStart(): number | null {
    return this.state.kind === 'idle' ? this.state.candidateStart : null;
  }

  /** Feeds the probability of the frame that starts at `frameStart`; returns what that frame decided, if anything. */
  push(probability: number, frameStart: number): EndpointEvent | null {
    const frameEnd = frameStart + FRAME_SAMPLES;
    const s = this.state;
    if (s.kind === 'idle') {
      if (probability < this.options.startThreshold) {
        // A frame in the hysteresis band neither confirms nor cancels a candidate, nor counts as silence in its
        // closure: Silero dips inside words.
        if (probability < this.options.stopThreshold) {
          const bridges = s.candidateFrames >= ONSET_FRAMES && !s.bridged && s.gap < CLOSURE_FRAMES;
          this.state = bridges ? { ...s, gap: s.gap + 1 } : IDLE;
        }
        return null;
      }
      const start = s.candidateStart ?? frameStart;
      const frames = s.candidateFrames + 1;
      if (frames < this.minSpeechFrames) {
        this.state = { kind: 'idle', candidateStart: start, candidateFrames: frames, gap: 0, bridged: s.bridged || s.gap > 0 };
        return null;
      }
      this.state = { kind: 'speech', start, silenceStart: null, paused: false };
      return { type: 'speech-start', sample: start };
    }
    let resumed = false;
    if (probability >= this.options.startThreshold) {
      s.silenceStart = null;
      resumed = s.paused;
      s.paused = false;
    } else if (probability < this.options.stopThreshold && s.silenceStart === null) s.silenceStart = frameStart;
    if (s.silenceStart !== null && frameEnd - s.silenceStart >= this.silenceSamples) {
      return this.end(s.start, s.silenceStart, frameEnd, 'silence');
    }
    if (frameEnd - s.start >= this.maxTurnSamples) return this.end(s.start, s.silenceStart ?? frameEnd, frameEnd, 'max-length');
    if (resumed) return { type: 'resume', sample: frameStart };
    if (this.preemptSamples > 0 && s.silenceStart !== null && !s.paused && frameEnd - s.silenceStart >= this.preemptSamples) {
      s.paused = true;
      return { type: 'pause', speechStart: s.start, speechEnd: s.silenceStart, sample: frameEnd };
    }
    return null;
  }

  /** Ends the turn now (push-to-talk release); null when no speech had started. */
  forceEnd(sample: number): EndpointEvent | null {
    const s = this.state;
    if (s.kind !== 'speech') {
      this.reset();
      return null;
    }
    return this.end(s.start, s.silenceStart ?? sample, sample, 'silence');
  }

  reset(): void {
    this.state = IDLE;
  }

  /** Drops a start candidate (frames the playback explains are no closure of the user's); nothing while speaking. */
  dropCandidate(): void {
    if (this.state.kind === 'idle') this.reset();
  }

  private end(speechStart: number, speechEnd: number, sample: number, reason: 'silence' | 'max-length'): EndpointEvent {
    this.reset();
    return { type: 'turn-end', speechStart, speechEnd, sample, reason };
  }
}
