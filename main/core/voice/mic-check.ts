// The microphone screen's "say something" test: records from the capture page until the VAD ends the turn (or a
// limit), feeding the level meter on the way, and says what the VAD heard and, where a speech model is loaded, what
// it understood. The microphone is open only inside run(): its stream stops on every way out.
import type { MicLevel, MicTestResult } from '../contracts/mic-check.js';
import { msToSamples, samplesToMs, type EndpointOptions } from './endpointer.js';
import { PageCaptureSource, type CapturePage, type CaptureSettings } from './page-capture.js';
import { TurnDetector, type DetectedTurn } from './turn-detector.js';
import type { FrameClassifier } from './vad.js';

/** A speech model's reading of the turn, or why there is none. */
export type TranscribeOutcome = { text: string; model: string } | { unavailable: string };

/** Frames per meter update: 2 frames of 32 ms, about 15 updates a second, whatever the frame rate of the page. */
export const LEVEL_EVERY_FRAMES = 2;
/** How long past its audio limit the test waits for frames that do not come (a stream another turn took over). */
const STALL_GRACE_MS = 3000;

export interface MicCheckOptions {
  page: CapturePage;
  settings: CaptureSettings;
  vad: FrameClassifier;
  endpoint: EndpointOptions;
  /** The most audio to record, in ms; also the turn's longest length. */
  limitMs: number;
  onLevel?(level: MicLevel): void;
  transcribe?(audio: Int16Array): Promise<TranscribeOutcome>;
  /** Aborting stops the recording; what was heard so far is still reported. */
  signal?: AbortSignal;
  platform?: NodeJS.Platform;
}

const round = (ms: number) => Math.round(ms);

export async function runMicCheck(opts: MicCheckOptions): Promise<MicTestResult> {
  let label = '';
  const levels: number[] = [];
  const source = new PageCaptureSource(opts.page, {
    settings: opts.settings,
    ...(opts.platform ? { platform: opts.platform } : {}),
    onStarted: (s) => (label = s.label),
    onFrame: (f) => levels.push(f.levelDb),
  });
  const detector = new TurnDetector(opts.vad, { ...opts.endpoint, preemptMs: 0, maxTurnMs: Math.min(opts.endpoint.maxTurnMs, opts.limitMs) });
  detector.reset();
  const limit = msToSamples(opts.limitMs);
  let ended: MicTestResult['ended'] = 'stopped';
  let turn: DetectedTurn | null = null;
  let peak = -120;
  let meter = -120;
  let frames = 0;
  const stop = () => void source.stop();
  opts.signal?.addEventListener('abort', stop, { once: true });
  // Frames that stop coming (another turn took the microphone) must not keep the test open.
  const stall = setTimeout(() => {
    ended = 'time-limit';
    stop();
  }, opts.limitMs + STALL_GRACE_MS);
  try {
    if (!opts.signal?.aborted) {
      for await (const chunk of source.chunks()) {
        const db = levels.shift() ?? -120;
        peak = Math.max(peak, db);
        meter = Math.max(meter, db);
        for (const ev of await detector.push(chunk)) if (ev.type === 'turn-end') turn = ev.turn;
        if (++frames % LEVEL_EVERY_FRAMES === 0) {
          opts.onLevel?.({ db: Math.min(0, Math.max(-120, meter)), speaking: detector.speaking });
          meter = -120;
        }
        if (turn) {
          ended = 'turn-end';
          break;
        }
        if (detector.now >= limit) {
          ended = 'time-limit';
          break;
        }
      }
    }
  } finally {
    clearTimeout(stall);
    opts.signal?.removeEventListener('abort', stop);
    await source.stop();
  }
  // Stopped or out of time inside speech: the turn so far is what was heard.
  turn ??= detector.release();
  const result: MicTestResult = {
    label,
    ended,
    recordedMs: round(samplesToMs(detector.now)),
    peakDb: Math.round(peak * 10) / 10,
    speech: turn ? { startMs: round(samplesToMs(turn.speechStart)), endMs: round(samplesToMs(turn.speechEnd)) } : null,
    transcript: null,
    transcriptNote: null,
  };
  if (!turn) return { ...result, transcriptNote: 'no speech was heard, so there is nothing to transcribe' };
  if (!opts.transcribe) return { ...result, transcriptNote: 'no speech-to-text model is loaded: download one on the Models tab to see the words too' };
  // The turn's own audio, from its pre-roll: what a voice turn would hand to speech-to-text.
  const outcome = await opts.transcribe(turn.audio);
  return 'unavailable' in outcome ? { ...result, transcriptNote: outcome.unavailable } : { ...result, transcript: { text: outcome.text.slice(0, 4000), model: outcome.model.slice(0, 200) } };
}
