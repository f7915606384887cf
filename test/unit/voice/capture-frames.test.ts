// The capture worker's arithmetic (renderer/src/capture/frames.ts, chunk-time.ts), run in Node on known signals:
// 16 kHz frames of the turn detector's size, each placed on the wall clock by the chunk it came in (a chunk the track
// dropped leaves a gap in time, not a shift of every later frame); each chunk's time read from its AudioData timestamp,
// on the clock of the context that made it and never after the chunk arrived; and each frame's level.
import { describe, expect, it } from 'vitest';
import { CAPTURE_FRAME_SAMPLES } from '../../../main/core/contracts/capture-frame.js';
import { chunkStartMs, type ChunkReading } from '../../../renderer/src/capture/chunk-time.js';
import { FrameCutter, levelDb, type CutFrame } from '../../../renderer/src/capture/frames.js';

/** Chromium's microphone chunks: 10 ms. */
const CHUNK_MS = 10;
const T0 = 1_796_000_000_000;

/** Feeds `signal` in 10 ms chunks; `startAt(c)` is when chunk c's first sample was heard (epoch ms). */
function cut(rate: number, signal: Float32Array, startAt: (c: number) => number = (c) => T0 + c * CHUNK_MS): CutFrame[] {
  const cutter = new FrameCutter(rate);
  const size = (rate * CHUNK_MS) / 1000;
  const frames: CutFrame[] = [];
  for (let c = 0; c * size < signal.length; c++) frames.push(...cutter.push(signal.subarray(c * size, (c + 1) * size), startAt(c)));
  return frames;
}

/** An impulse at input index `at` in a second of silence. */
function impulse(rate: number, at: number): Float32Array {
  const s = new Float32Array(rate);
  s[at] = 0.9;
  return s;
}

/** When the output sample where the impulse came out was heard, read from its frame's end time (16 kHz steps). */
function impulseHeardAt(frames: CutFrame[]): number {
  let best = { value: 0, frame: 0, index: 0 };
  frames.forEach((f, frame) => {
    new Int16Array(f.pcm).forEach((v, index) => {
      if (Math.abs(v) > best.value) best = { value: Math.abs(v), frame, index };
    });
  });
  return (frames[best.frame] as CutFrame).endMs - ((CAPTURE_FRAME_SAMPLES - 1 - best.index) * 1000) / 16_000;
}

describe('the capture worker cuts 16 kHz frames', () => {
  it('of the turn detector size, all of the input resampled', () => {
    for (const rate of [48_000, 44_100]) {
      const frames = cut(rate, new Float32Array(rate * 2));
      expect(frames.every((f) => f.pcm.byteLength === CAPTURE_FRAME_SAMPLES * 2)).toBe(true);
      // Two seconds: 62 whole frames of 16 kHz (the partial last one waits for more input).
      expect(frames).toHaveLength(Math.floor((2 * 16_000) / CAPTURE_FRAME_SAMPLES));
    }
  });

  it('keeps a tone in the speech band at its level', () => {
    const rate = 44_100;
    const tone = new Float32Array(rate).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate));
    const frames = cut(rate, tone);
    const middle = new Int16Array((frames[10] as CutFrame).pcm);
    const rms = Math.sqrt(middle.reduce((a, v) => a + v * v, 0) / middle.length) / 32768;
    expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it("places each frame's last sample on the wall clock, where its sound came in", () => {
    const rate = 48_000;
    // Input index 20,000 was heard 416.67 ms after the first sample.
    const frames = cut(rate, impulse(rate, 20_000));
    // Within one input sample (the resampler's step is three: 1/16 ms).
    expect(Math.abs(impulseHeardAt(frames) - (T0 + (20_000 * 1000) / rate))).toBeLessThanOrEqual(1 / 16);
  });

  it('by the chunk it came in when the track dropped chunks, not by counting samples from the first one', () => {
    // Chunks 0-9 arrived; the next one came 40 ms later than its place in a count (four chunks dropped).
    const rate = 48_000;
    const gap = (c: number) => T0 + c * CHUNK_MS + (c >= 10 ? 40 : 0);
    const frames = cut(rate, impulse(rate, 20_000), gap);
    expect(Math.abs(impulseHeardAt(frames) - (T0 + (20_000 * 1000) / rate + 40))).toBeLessThanOrEqual(1 / 16);
    // Every frame after the gap sits 40 ms later than a count from the first chunk would put it, none before it.
    const counted = cut(rate, impulse(rate, 20_000));
    expect((frames[5] as CutFrame).endMs - (counted[5] as CutFrame).endMs).toBeCloseTo(40, 6);
    expect((frames[0] as CutFrame).endMs).toBe((counted[0] as CutFrame).endMs);
  });

  it('gives the same frames and times whatever length the chunks come in', () => {
    const rate = 44_100;
    const tone = new Float32Array(rate).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
    const even = cut(rate, tone);
    const cutter = new FrameCutter(rate);
    const odd: CutFrame[] = [];
    for (let at = 0, n = 1; at < tone.length; at += n, n = (n * 7) % 997 || 1) odd.push(...cutter.push(tone.subarray(at, at + n), T0 + (at * 1000) / rate));
    expect(odd.map((f) => Array.from(new Int16Array(f.pcm)))).toEqual(even.map((f) => Array.from(new Int16Array(f.pcm))));
    odd.forEach((f, i) => expect(f.endMs).toBeCloseTo((even[i] as CutFrame).endMs, 6));
  });
});

describe("a chunk's audio time from its AudioData timestamp", () => {
  // The page loaded at PAGE; the worker started 300 s later. A real device's chunk: its first sample captured 12 ms
  // before it reached the worker (10 ms of audio, 2 ms of processing).
  const PAGE = T0;
  const WORKER = T0 + 300_000;
  const chunk: ChunkReading = { timestampUs: 5_000_000, frames: 480, sampleRate: 48_000, arrivedMs: 5012, workerTimeOrigin: WORKER, pageTimeOrigin: PAGE };

  it("is the capture time Chromium stamped, on the worker's clock", () => {
    expect(chunkStartMs(chunk)).toBe(WORKER + 5000);
  });

  it("on the page's clock for a chunk queued before the page handed the stream over (on the worker's it would lie after its arrival)", () => {
    // Made by the page 30 ms before the worker read it, 0.25 s into the worker's life: stamped on the page's clock.
    const queued = { ...chunk, timestampUs: (WORKER - PAGE + 220) * 1000, arrivedMs: 250 };
    expect(chunkStartMs(queued)).toBe(WORKER + 220);
  });

  it('never later than its arrival less its length: no device hands over a sample before hearing it', () => {
    // Chromium's fake device stamps a chunk when it hands it over: 0.8 ms before it arrives here.
    const fake = { ...chunk, timestampUs: 5_011_200 };
    expect(chunkStartMs(fake)).toBe(WORKER + 5012 - 10);
  });
});

describe("a frame's level", () => {
  it('is its RMS in dBFS, silence floored at -120', () => {
    const full = new Int16Array(CAPTURE_FRAME_SAMPLES).fill(-32768);
    const sum = (f: Int16Array) => f.reduce((a, v) => a + v * v, 0);
    expect(levelDb(sum(full), full.length)).toBeCloseTo(0, 6);
    expect(levelDb(sum(full.map(() => 328)), full.length)).toBeCloseTo(-40, 1);
    expect(levelDb(0, full.length)).toBe(-120);
  });
});
