// bench:voice's app figures judge each clip where its end of speech lies in the capture: a capture that gained
// 10 ms partway, or a stall filled in under load (as Chromium's did), must not shift every later clip's end.
import { describe, expect, it } from 'vitest';
import { alignment, offsetsAtSpeechEnds } from '../../helpers/app-capture.js';

/** Deterministic noise with a speech-like envelope (bursts of 400 ms, 200 ms quiet). */
function file(seconds: number): Int16Array {
  const out = new Int16Array(seconds * 16_000);
  let x = 12345;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const loud = i % 9600 < 6400 ? 8000 : 300;
    out[i] = Math.round(((x / 0x7fffffff) * 2 - 1) * loud);
  }
  return out;
}

describe("the benchmark's alignment of a long capture", () => {
  it('follows a capture that gained 160 samples after 2 s', () => {
    const source = file(6);
    // The capture starts 300 samples into the file and repeats 160 samples at 2 s (a 10 ms chunk twice).
    const head = source.subarray(300, 32_000);
    const captured = new Int16Array(source.length - 300 + 160);
    captured.set(head);
    captured.set(source.subarray(32_000 - 160, 32_000), head.length);
    captured.set(source.subarray(32_000), head.length + 160);
    const start = alignment(captured, source, { from: 8000, length: 8000 });
    expect(start.samples).toBe(300);
    const ends = [24_000, 48_000, 80_000];
    expect(offsetsAtSpeechEnds(captured, source, ends, start)).toEqual([300, 140, 140]);
  });

  it('follows a stall of 300 ms filled in with silence, beyond the near search', () => {
    const source = file(8);
    const captured = new Int16Array(source.length + 4800);
    captured.set(source.subarray(0, 40_000));
    captured.set(source.subarray(40_000), 40_000 + 4800);
    const start = alignment(captured, source, { from: 8000, length: 8000 });
    expect(offsetsAtSpeechEnds(captured, source, [24_000, 64_000, 110_000], start)).toEqual([0, -4800, -4800]);
  });

  it('keeps the last offset where a stretch does not match the file (silence, or a capture that ended)', () => {
    const source = file(4);
    const captured = source.slice(300);
    captured.fill(0, 30_000, 46_000);
    const start = alignment(captured, source, { from: 8000, length: 8000 });
    expect(offsetsAtSpeechEnds(captured, source, [24_000, 46_000, 200_000], start)).toEqual([300, 300, 300]);
  });
});
