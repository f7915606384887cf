// The capture worklet's arithmetic (renderer/src/capture/frames.ts, audio-clock.ts), run in Node on known signals:
// 16 kHz frames of the turn detector's size, each placed on the context's clock by the quantum it came in (Chromium
// skips quanta after the context starts), and the audio clock mapped to the wall clock with every latency taken off,
// also as the mapping the page sends the worklet; and each frame's level.
import { describe, expect, it } from 'vitest';
import { CAPTURE_FRAME_SAMPLES } from '../../../main/core/contracts/capture-frame.js';
import { clockMapping, heardAt, heardAtEpoch, renderedAt, type ClockReading } from '../../../renderer/src/capture/audio-clock.js';
import { FrameCutter, levelDb, type CutFrame } from '../../../renderer/src/capture/frames.js';

const QUANTUM = 128;

/** Feeds `signal` in render quanta; `frameAt(q)` is the context frame of quantum q (Chromium's currentFrame). */
function cut(rate: number, signal: Float32Array, frameAt: (q: number) => number): CutFrame[] {
  const cutter = new FrameCutter(rate);
  const frames: CutFrame[] = [];
  for (let q = 0; q * QUANTUM < signal.length; q++) frames.push(...cutter.push(signal.subarray(q * QUANTUM, (q + 1) * QUANTUM), frameAt(q)));
  return frames;
}

/** An impulse at input index `at` in a second of silence. */
function impulse(rate: number, at: number): Float32Array {
  const s = new Float32Array(rate);
  s[at] = 0.9;
  return s;
}

/** The context frame of the output sample where the impulse came out, read from its frame's end time. */
function impulseContextFrame(frames: CutFrame[], step: number): number {
  let best = { value: 0, frame: 0, index: 0 };
  frames.forEach((f, frame) => {
    new Int16Array(f.pcm).forEach((v, index) => {
      if (Math.abs(v) > best.value) best = { value: Math.abs(v), frame, index };
    });
  });
  const end = (frames[best.frame] as CutFrame).endContextFrame;
  return end - (CAPTURE_FRAME_SAMPLES - 1 - best.index) * step;
}

describe('the capture worklet cuts 16 kHz frames', () => {
  it('of the turn detector size, all of the input resampled', () => {
    for (const rate of [48_000, 44_100]) {
      const frames = cut(rate, new Float32Array(rate * 2), (q) => q * QUANTUM);
      expect(frames.every((f) => f.pcm.byteLength === CAPTURE_FRAME_SAMPLES * 2)).toBe(true);
      // Two seconds: 62 whole frames of 16 kHz (the partial last one waits for more input).
      expect(frames).toHaveLength(Math.floor((2 * 16_000) / CAPTURE_FRAME_SAMPLES));
    }
  });

  it('keeps a tone in the speech band at its level', () => {
    const rate = 44_100;
    const tone = new Float32Array(rate).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate));
    const frames = cut(rate, tone, (q) => q * QUANTUM);
    const middle = new Int16Array((frames[10] as CutFrame).pcm);
    const rms = Math.sqrt(middle.reduce((a, v) => a + v * v, 0) / middle.length) / 32768;
    expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it("places each frame's last sample on the context's clock, where its sound came in", () => {
    const rate = 48_000;
    const frames = cut(rate, impulse(rate, 20_000), (q) => q * QUANTUM);
    // Within one input sample (the resampler's step is three).
    expect(Math.abs(impulseContextFrame(frames, rate / 16_000) - 20_000)).toBeLessThanOrEqual(3);
  });

  it('by the quantum it came in when Chromium skips quanta, not by counting samples from the first one', () => {
    // Seen in headless Chromium: the worklet is called at frame 0, then not until frame 1920 (the input between
    // lost), then every quantum. The impulse at input index 20,000 came in at context frame 20,000 - 128 + 1920.
    const rate = 48_000;
    const jump = (q: number) => (q === 0 ? 0 : 1920 + (q - 1) * QUANTUM);
    const frames = cut(rate, impulse(rate, 20_000), jump);
    expect(Math.abs(impulseContextFrame(frames, rate / 16_000) - (20_000 - QUANTUM + 1920))).toBeLessThanOrEqual(3);
    // Every frame after the jump sits that much later than a count from the first quantum would put it.
    const counted = cut(rate, impulse(rate, 20_000), (q) => q * QUANTUM);
    expect((frames[5] as CutFrame).endContextFrame - (counted[5] as CutFrame).endContextFrame).toBe(1920 - QUANTUM);
  });
});

describe("a frame's audio time from the context's clock", () => {
  const reading: ClockReading = { outputContextTime: 10, outputPerformanceTime: 5000, currentTime: 10.05, baseLatency: 0.01, outputLatency: 0.03, now: 5020, inputLatency: 0.01 };

  it('is when the output plays that context time, less the context and output latency it was rendered ahead by', () => {
    // Context time 10.5 plays at 5500 ms; it was rendered 40 ms before that.
    expect(renderedAt(10.5, reading)).toBeCloseTo(5460, 6);
  });

  it('then less the input latency the track reports: when the microphone heard it', () => {
    expect(heardAt(10.5, reading)).toBeCloseTo(5450, 6);
    expect(heardAt(10.5, { ...reading, inputLatency: 0 })).toBeCloseTo(5460, 6);
    expect(heardAt(10.5, { ...reading, inputLatency: Number.NaN })).toBeCloseTo(5460, 6);
  });

  it('before the output has started (performanceTime 0), from the context time rendered by now', () => {
    const early = { ...reading, outputPerformanceTime: 0, currentTime: 2, now: 800 };
    expect(heardAt(1.99, early)).toBeCloseTo(800 - 10 - 10, 6);
  });

  it("as the worklet gets it (a mapping the page sends): the same time heardAt gives on that reading, on the wall clock", () => {
    const origin = 1_796_000_000_000;
    for (const r of [reading, { ...reading, outputPerformanceTime: 0, currentTime: 2, now: 800 }]) {
      const m = clockMapping(r, origin);
      for (const t of [r.currentTime - 0.5, r.currentTime - 0.0123, r.currentTime, r.currentTime + 0.2]) expect(heardAtEpoch(t, m)).toBeCloseTo(origin + heardAt(t, r), 6);
    }
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
