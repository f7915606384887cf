// What the app-capture test and benchmark do with a capture source: run the real turn detector on it until the first
// turn ends, keeping every captured sample; and find where in the fed file the capture started (correlation).
import type { AudioSource } from '../../main/core/voice/capture.js';
import { DEFAULT_ENDPOINT } from '../../main/core/voice/endpointer.js';
import { TurnDetector, type DetectedTurn } from '../../main/core/voice/turn-detector.js';
import type { FrameClassifier } from '../../main/core/voice/vad.js';
import { concat } from './audio.js';

export async function endpointFirstTurn(source: AudioSource, vad: FrameClassifier, silenceMs = DEFAULT_ENDPOINT.silenceMs): Promise<{ turn: DetectedTurn | null; captured: Int16Array }> {
  const detector = new TurnDetector(vad, { ...DEFAULT_ENDPOINT, silenceMs });
  detector.reset();
  const chunks: Int16Array[] = [];
  let turn: DetectedTurn | null = null;
  try {
    for await (const chunk of source.chunks()) {
      chunks.push(chunk);
      for (const ev of await detector.push(chunk)) if (ev.type === 'turn-end') turn = ev.turn;
      if (turn) break;
    }
  } finally {
    await source.stop();
  }
  return { turn, captured: concat(chunks) };
}

/**
 * The file position of captured[0]: the shift (from `-before` to `after` samples) at which a stretch of the capture
 * starting at `from` best matches the file, with the normalised correlation there (1 is identical up to gain).
 */
export function alignment(captured: Int16Array, file: Int16Array, opts: { from?: number; length?: number; before?: number; after?: number } = {}): { samples: number; correlation: number } {
  const from = opts.from ?? 8000;
  const length = Math.min(opts.length ?? 8000, captured.length - from);
  let best = { samples: 0, correlation: -1 };
  if (length <= 0) return best;
  let ee = 0;
  for (let i = 0; i < length; i++) ee += (captured[from + i] as number) ** 2;
  for (let k = -(opts.before ?? 4000); k <= (opts.after ?? 8000); k++) {
    let xy = 0;
    let yy = 0;
    for (let i = 0; i < length; i++) {
      const j = from + i + k;
      const y = j >= 0 && j < file.length ? (file[j] as number) : 0;
      xy += (captured[from + i] as number) * y;
      yy += y * y;
    }
    const c = ee > 0 && yy > 0 ? xy / Math.sqrt(ee * yy) : 0;
    if (c > best.correlation) best = { samples: k, correlation: c };
  }
  return best;
}

/**
 * Where each clip's end of speech lies in a long capture: the capture's offset from the file, found again just
 * before each clip's end of speech, since a capture running for minutes gains and loses audio (seen in headless
 * Chromium: 10 ms chunks now and then, and under load stalls of 100 ms and more filled in), and one offset found at
 * the start would misplace every later end. Searched within `range` samples of the last offset found, then, where
 * nothing there matches well (correlation under 0.5), within `wide` samples; a stretch that matches nowhere
 * (silence, a capture that ended) keeps the last offset.
 */
export function offsetsAtSpeechEnds(captured: Int16Array, file: Int16Array, speechEnds: number[], start: { samples: number }, range = 1600, wide = 16_000): number[] {
  const window = 8000;
  let offset = start.samples;
  return speechEnds.map((end) => {
    for (const within of [range, wide]) {
      const from = Math.max(0, end - window - offset);
      if (from + window > captured.length) break;
      const found = alignment(captured, file, { from, length: window, before: within - offset, after: offset + within });
      if (found.correlation > 0.5) {
        offset = found.samples;
        break;
      }
    }
    return offset;
  });
}
