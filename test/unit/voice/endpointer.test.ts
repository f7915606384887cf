// The end-of-turn rules on synthetic probabilities, in samples: minimum speech (and the one closure a start
// candidate may bridge), hysteresis, silence counted from the first frame below the stop threshold, the maximum turn
// length and a push-to-talk release.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, Endpointer, type EndpointEvent } from '../../../main/core/voice/endpointer.js';

const F = 512;

function feed(probs: number[], opts = DEFAULT_ENDPOINT): Array<EndpointEvent & { frame: number }> {
  const e = new Endpointer(opts);
  const out: Array<EndpointEvent & { frame: number }> = [];
  probs.forEach((p, i) => {
    const ev = e.push(p, i * F);
    if (ev) out.push({ ...ev, frame: i });
  });
  return out;
}

const run = (p: number, n: number) => Array<number>(n).fill(p);

describe('Endpointer', () => {
  it('starts a turn only after the minimum speech length, at the first speech frame', () => {
    // 160 ms is 5 frames of 32 ms.
    expect(feed([...run(0, 3), ...run(0.9, 4), ...run(0, 20)])).toEqual([]);
    expect(feed([...run(0, 3), ...run(0.9, 5)])).toEqual([{ type: 'speech-start', sample: 3 * F, frame: 7 }]);
  });

  it('ends the turn 300 ms after the first frame below the stop threshold, not counting the band above it', () => {
    // Speech frames 0-9, then 0.4 (between the thresholds: still speech), then silence from frame 12.
    const events = feed([...run(0.9, 10), 0.4, 0.45, ...run(0.1, 20)]);
    const end = events.find((e) => e.type === 'turn-end');
    // 300 ms = 4800 samples = 9.375 frames: the decision is at the end of the 10th silent frame.
    expect(end).toMatchObject({ type: 'turn-end', speechStart: 0, speechEnd: 12 * F, sample: 22 * F, reason: 'silence' });
  });

  it('keeps the turn through a short pause and a dip inside a word', () => {
    const events = feed([...run(0.9, 10), ...run(0.1, 6), ...run(0.9, 10), 0.2, ...run(0.9, 5), ...run(0.1, 12)]);
    expect(events.filter((e) => e.type === 'turn-end')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'turn-end', speechEnd: 32 * F });
  });

  it('ends a turn that never pauses at the maximum length', () => {
    const events = feed(run(0.9, 40), { ...DEFAULT_ENDPOINT, maxTurnMs: 1000 });
    expect(events.find((e) => e.type === 'turn-end')).toMatchObject({ reason: 'max-length', sample: 32 * F });
    // Speech that goes on starts the next turn.
    expect(events.at(-1)).toMatchObject({ type: 'speech-start', sample: 32 * F });
  });

  it('a push-to-talk release ends the turn where it is, and is nothing without speech', () => {
    const e = new Endpointer();
    for (let i = 0; i < 8; i++) e.push(0.9, i * F);
    expect(e.forceEnd(8 * F + 100)).toMatchObject({ type: 'turn-end', speechEnd: 8 * F + 100, sample: 8 * F + 100 });
    expect(new Endpointer().forceEnd(1000)).toBeNull();
  });

  it('announces a tentative end after preemptMs of silence, and withdraws it when speech resumes', () => {
    // 150 ms is 4800/2 = 2400 samples: the end of the 5th silent frame.
    const events = feed([...run(0.9, 10), ...run(0.1, 6), ...run(0.9, 10), ...run(0.1, 12)], { ...DEFAULT_ENDPOINT, preemptMs: 150 });
    expect(events.map((e) => e.type)).toEqual(['speech-start', 'pause', 'resume', 'pause', 'turn-end']);
    expect(events[1]).toMatchObject({ type: 'pause', speechStart: 0, speechEnd: 10 * F, sample: 15 * F });
    expect(events[2]).toMatchObject({ type: 'resume', sample: 16 * F });
    expect(events[4]).toMatchObject({ type: 'turn-end', speechEnd: 26 * F, sample: 36 * F });
    expect(feed([...run(0.9, 10), ...run(0.1, 12)], { ...DEFAULT_ENDPOINT, preemptMs: 0 }).map((e) => e.type)).toEqual(['speech-start', 'turn-end']);
  });

  it('refuses a stop threshold above the start threshold', () => {
    expect(() => new Endpointer({ ...DEFAULT_ENDPOINT, stopThreshold: 0.6, startThreshold: 0.5 })).toThrow(RangeError);
  });
});

describe('Endpointer: a closure inside the first word', () => {
  const starts = (probs: number[]) => feed(probs).filter((e) => e.type === 'speech-start');

  it('a candidate of three or more speech frames survives a short silence, counting only speech frames toward the 160 ms', () => {
    // A 4-frame syllable, a 2-frame stop closure, then speech: the turn starts at the syllable, on the 5th speech frame.
    expect(starts([...run(0, 3), ...run(0.9, 4), ...run(0.05, 2), ...run(0.9, 1), ...run(0, 10)])).toEqual([{ type: 'speech-start', sample: 3 * F, frame: 9 }]);
    // "Actually" as the bench's clip gives it: 3 frames, a closure of 3 silent frames and one in the hysteresis band.
    expect(starts([0.04, 0.99, 0.99, 0.99, 0.03, 0.38, 0.2, 0.08, 0.72, 0.74, 1, 1])).toEqual([{ type: 'speech-start', sample: F, frame: 9 }]);
    // Four speech frames around the closure are still short of 160 ms.
    expect(starts([...run(0.9, 3), ...run(0.05, 2), ...run(0.9, 1), ...run(0, 10)])).toEqual([]);
  });

  it('a longer silence drops the candidate', () => {
    expect(starts([...run(0.9, 4), ...run(0.05, 5), ...run(0.9, 1), ...run(0, 10)])).toEqual([]);
    // Frames in the hysteresis band neither lengthen nor end a closure: five silent frames among them are too many.
    expect(starts([...run(0.9, 4), 0.05, 0.4, 0.05, 0.05, 0.4, 0.05, 0.05, 0.4, ...run(0.9, 1), ...run(0, 10)])).toEqual([]);
    expect(starts([...run(0.9, 4), 0.05, 0.4, 0.05, 0.4, 0.05, 0.05, 0.4, ...run(0.9, 1), ...run(0, 10)])).toEqual([{ type: 'speech-start', sample: 0, frame: 11 }]);
  });

  it('a weak candidate (one or two frames) is dropped by its first silent frame', () => {
    expect(starts([...run(0.9, 2), ...run(0.05, 1), ...run(0.9, 2), ...run(0.05, 1), ...run(0.9, 2), ...run(0, 10)])).toEqual([]);
  });

  it('separate short noises never add up to a start', () => {
    // 2 frames, gap 2, 2 frames, gap 2, ...
    expect(starts(Array.from({ length: 10 }, () => [...run(0.9, 2), ...run(0.05, 2)]).flat())).toEqual([]);
    // Only one closure per candidate: 3 frames, gap, 1 frame, gap, 1 frame is no turn.
    expect(starts([...run(0.9, 3), ...run(0.05, 2), 0.9, ...run(0.05, 2), 0.9, ...run(0, 10)])).toEqual([]);
  });

  it('a dropped candidate (frames the playback explains) does not bridge', () => {
    const e = new Endpointer();
    [0.9, 0.9, 0.9, 0.05].forEach((p, i) => e.push(p, i * F));
    e.dropCandidate();
    expect([0.9, 0.9].map((p, i) => e.push(p, (4 + i) * F))).toEqual([null, null]);
    expect(e.candidateFrames).toBe(2);
  });
});
