// The pipeline's side of hands-free with a wake word: a fresh detector per listening session, the chime on a
// detection, the counts `jett status` shows, the local record of a wake no question followed, and the pause the
// tray toggles. One log line per detection, none per chunk: while only the wake word is listened for nothing is kept.
import type { WakeStatus } from '../contracts/status.js';
import { formatError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { chimeTone } from './chime.js';
import type { AudioSink } from './engines.js';
import { SAMPLE_RATE } from './vad.js';
import { DEFAULT_WAKE_GATE, type WakeDetection, type WakeEvents, type WakeGateOptions, type WakeWordDetector } from './wake-gate.js';
import type { WakeLog } from './wake-log.js';

export interface WakeSetup {
  word: string;
  threshold: number;
  /** The loaded detector; reset at the start of each listening session (its feature buffers follow one stream). */
  detector: WakeWordDetector & { reset?(): void; close?(): Promise<void> };
  log?: WakeLog;
  /** Off: the microphone chime is replaced by the tray's state alone. */
  chime?: boolean;
  /** Start paused: the tray's pause outlives a rebuild of the pipeline (a settings change). */
  paused?: boolean;
}

export class HandsFreeWake {
  detections = 0;
  falseWakes = 0;
  paused = false;

  constructor(
    private readonly setup: WakeSetup,
    private readonly deps: { sink: AudioSink; log: Logger; now: () => Date; queue: (play: () => Promise<void>) => void },
  ) {
    this.paused = setup.paused ?? false;
  }

  gateOptions(): WakeGateOptions {
    return { ...DEFAULT_WAKE_GATE, word: this.setup.word, threshold: this.setup.threshold };
  }

  detector(): WakeWordDetector {
    this.setup.detector.reset?.();
    return this.setup.detector;
  }

  /** `woke` is told after the chime is queued: the pipeline shows that it is listening for the question. */
  events(woke: () => void, unanswered: () => void): WakeEvents {
    return {
      woke: (d, phraseEnd) => {
        this.detections++;
        this.deps.log.info('wake word heard', { word: d.word, score: round(d.score), sample: d.sample, phraseEnd });
        if (this.setup.chime !== false) this.deps.queue(() => this.chime());
        woke();
      },
      unanswered: (d) => {
        // The hotkey opened the question and nothing was said: no wake word to count or record.
        if (!d) return unanswered();
        this.falseWakes++;
        this.deps.log.info('wake word with no question: ended quietly', { word: d.word, score: round(d.score) });
        this.remember(d);
        unanswered();
      },
    };
  }

  status(): WakeStatus {
    return { listening: this.paused ? 'paused' : 'on', word: this.setup.word, threshold: this.setup.threshold, detections: this.detections, falseWakes: this.falseWakes, reason: null };
  }

  private remember(d: WakeDetection): void {
    try {
      this.setup.log?.record({ at: this.deps.now().toISOString(), word: d.word, score: d.score, threshold: this.setup.threshold });
    } catch (err) {
      this.deps.log.warn('could not record a false wake', { error: formatError(err) });
    }
  }

  private async chime(): Promise<void> {
    const { sink } = this.deps;
    try {
      await sink.open(SAMPLE_RATE);
      await sink.write(chimeTone());
      await sink.drain();
    } catch (err) {
      this.deps.log.warn('could not play the wake chime', { error: formatError(err) });
    }
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
