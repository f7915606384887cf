// The turn detector's start rule under the reply's echo, on scripted frames: frames the playback explains never add
// up to a turn, a run of them drops a weak start candidate, and a strong candidate (three frames of the user's)
// survives a closure within a word (up to four such frames) but not a longer run; a run that drops a candidate is
// no closure of the user's. A likely onset (three frames of the user's) is announced, and dropped or decided by the start.
import { describe, expect, it } from 'vitest';
import type { EchoGate, GatedFrame } from '../../../main/core/voice/echo-gate.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import { TurnDetector, type DetectorEvent } from '../../../main/core/voice/turn-detector.js';
import { FRAME_SAMPLES, type FrameClassifier } from '../../../main/core/voice/vad.js';

/** 'u': the user's speech (the gate lets it through); 'e': the reply's echo (the gate explains it); '.': silence. */
async function run(script: string): Promise<DetectorEvent[]> {
  const frames = [...script];
  let at = 0;
  const vad: FrameClassifier = {
    // The reply's echo is speech too: the VAD hears it as such; only the gate tells it apart.
    probability: async () => (frames[at - 1] === '.' ? 0.02 : 0.98),
    reset: () => undefined,
  };
  const gate = {
    frame: (pcm: Int16Array): GatedFrame => ({ audio: pcm, nearEnd: frames[at++] !== 'e' }),
    skip: () => undefined,
  } as unknown as EchoGate;
  const detector = new TurnDetector(vad, DEFAULT_ENDPOINT, gate);
  const events: DetectorEvent[] = [];
  for (let i = 0; i < frames.length; i++) events.push(...(await detector.push(new Int16Array(FRAME_SAMPLES))));
  return events;
}

const starts = (events: DetectorEvent[]) => events.filter((e) => e.type === 'speech-start').map((e) => (e as { sample: number }).sample / FRAME_SAMPLES);

describe('TurnDetector under the echo', () => {
  it('never starts a turn on the reply\'s echo alone', async () => {
    expect(starts(await run('e'.repeat(60)))).toEqual([]);
  });

  it('a strong candidate survives a closure of up to four echo frames, and starts where the user began', async () => {
    expect(starts(await run('...uuueeeeuu....'))).toEqual([3]);
  });

  it('a strong candidate is dropped by five echo frames in a row', async () => {
    expect(starts(await run('...uuueeeeeuu......'))).toEqual([]);
  });

  it('a weak candidate is dropped by three echo frames in a row', async () => {
    expect(starts(await run('...uueeeuuu......'))).toEqual([]);
    expect(starts(await run('...uueeuuu......'))).toEqual([3]);
  });
});

describe('TurnDetector: a closure of the user\'s, and the echo', () => {
  it('a strong candidate survives a short silence of the user\'s, with only speech frames counted', async () => {
    expect(starts(await run('...uuu..uu......'))).toEqual([3]);
    expect(starts(await run('...uuu.....uu......'))).toEqual([]);
  });

  it('echo frames that drop a candidate are no closure: the user\'s speech after them starts anew', async () => {
    // 3 user frames, 5 echo frames (the strong candidate's limit is 4): dropped, the 2 user frames after are no turn.
    expect(starts(await run('...uuueeeeeuu......'))).toEqual([]);
    expect(starts(await run('...uuueeeeeuuuuu......'))).toEqual([11]);
  });
});

describe('TurnDetector: the likely onset that hushes a reply', () => {
  /** The events as `type@frame`, the frame being the event's sample over the frame size. */
  const timeline = (events: DetectorEvent[]) => events.filter((e) => e.type !== 'pause' && e.type !== 'turn-end').map((e) => `${e.type}@${(e as { sample: number }).sample / FRAME_SAMPLES}`);

  it('is announced at the third frame of the user\'s, where the user began, and decided by the turn\'s start', async () => {
    expect(timeline(await run('...uuuuu......'))).toEqual(['onset@3', 'speech-start@3']);
  });

  it('is dropped, with the frame that dropped it, when the sound ends before a turn would start', async () => {
    expect(timeline(await run('...uuu.....uu...'))).toEqual(['onset@3', 'onset-dropped@10']);
  });

  it('survives the closure inside a word, and an echo run a strong candidate survives, until the start', async () => {
    expect(timeline(await run('...uuu..uu......'))).toEqual(['onset@3', 'speech-start@3']);
    expect(timeline(await run('...uuueeeeuu......'))).toEqual(['onset@3', 'speech-start@3']);
  });

  it('is never announced for the reply\'s echo, nor for two frames of sound', async () => {
    expect(timeline(await run('e'.repeat(60)))).toEqual([]);
    expect(timeline(await run('...uu........'))).toEqual([]);
  });
});
