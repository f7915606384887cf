// Real endpointing: espeak-ng speech with an exactly known end, the real Silero model, asserted in samples.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, msToSamples } from '../../../main/core/voice/endpointer.js';
import { TurnDetector, type DetectorEvent } from '../../../main/core/voice/turn-detector.js';
import { SileroVad } from '../../../main/core/voice/vad.js';
import { concat, makeClip, ms, noise, type Clip } from '../../helpers/audio.js';
import { binary, describeWith } from '../../helpers/requirements.js';

async function run(vad: SileroVad, pcm: Int16Array, silenceMs = 300): Promise<DetectorEvent[]> {
  const detector = new TurnDetector(vad, { ...DEFAULT_ENDPOINT, silenceMs });
  detector.reset();
  const events: DetectorEvent[] = [];
  // Odd chunk sizes, as a recorder delivers them: the frames must not depend on them.
  for (let at = 0; at < pcm.length; at += 1366) events.push(...(await detector.push(pcm.subarray(at, at + 1366))));
  return events;
}

const turnEnds = (events: DetectorEvent[]) => events.filter((e): e is Extract<DetectorEvent, { type: 'turn-end' }> => e.type === 'turn-end');

describeWith([binary('espeak-ng'), binary('sox')], 'endpointing with the real Silero VAD', () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await SileroVad.load();
  });
  afterAll(async () => {
    await vad.close();
  });

  for (const silenceMs of [300, 500]) {
    it(`ends a turn within ${silenceMs} ms of silence + 250 ms of the true end (${silenceMs} ms setting)`, async () => {
      for (const text of ['What is the weather like today', 'Remind me to call my mother at six']) {
        const clip = await makeClip([text], { leadMs: 400, tailMs: 1500 });
        const ends = turnEnds(await run(vad, clip.pcm, silenceMs));
        expect(ends).toHaveLength(1);
        const turn = ends[0]!.turn;
        expect(turn.turnEnd).toBeGreaterThanOrEqual(clip.speechEnd + msToSamples(silenceMs));
        expect(turn.turnEnd).toBeLessThanOrEqual(clip.speechEnd + msToSamples(silenceMs + 250));
        // The pre-roll keeps the first syllable: the turn's audio starts before the true start of speech.
        expect(turn.audioStart).toBeLessThanOrEqual(clip.speechStart);
        expect(turn.audioStart + turn.audio.length).toBe(turn.turnEnd);
      }
    });
  }

  it('ends a sentence with a short pause in the middle once, after the pause', async () => {
    for (const pause of [150, 200, 250]) {
      const clip: Clip = await makeClip(['Turn on the lights', pause, 'in the kitchen please'], { leadMs: 300, tailMs: 1500, seed: pause });
      const ends = turnEnds(await run(vad, clip.pcm));
      expect(ends, `pause of ${pause} ms`).toHaveLength(1);
      expect(ends[0]!.turn.turnEnd).toBeGreaterThan(clip.pauses[0]![1]);
      expect(ends[0]!.turn.turnEnd).toBeLessThanOrEqual(clip.speechEnd + msToSamples(300 + 250));
    }
  });

  it('does not start a turn on a short burst of noise', async () => {
    const burst = noise(ms(100), 12000, 7);
    const pcm = concat([noise(ms(500), 30, 1), burst, noise(ms(1500), 30, 2)]);
    const events = await run(vad, pcm);
    expect(events).toEqual([]);
  });
});
