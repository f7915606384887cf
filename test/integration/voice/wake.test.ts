// Wake-word detection on real espeak-ng speech through openWakeWord's real models: positives wake once, near
// misses, silence and noise from the first sample (every head) never do, and the frame sizes a source delivers
// (the file source's 512, a real sox capture's, odd ones) give the same scores to the bit.
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { WAKE_WORDS, type WakeWord } from '../../../main/core/contracts/wake.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { MicrophoneSource } from '../../../main/core/voice/capture.js';
import { PcmSource } from '../../../main/core/voice/file-source.js';
import { createWakeDetector, PHRASE_END_LAG_SAMPLES, type WakeDetection, type WakeDetector, type WakeScore } from '../../../main/core/voice/wake/detector.js';
import { CHUNK_SAMPLES } from '../../../main/core/voice/wake/features.js';
import { fakeMicrophone } from '../../helpers/audio.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { PAD_SAMPLES, padded, soxNoise, speakDithered } from '../../helpers/wake-audio.js';

// Scoring is CPU-bound (about 2 ms a chunk on a quiet core): on a loaded machine these take minutes, not seconds.
vi.setConfig({ testTimeout: 240_000 });

const realHome = process.env.HOME;
afterEach(() => {
  process.env.HOME = realHome;
});

interface Run {
  detections: WakeDetection[];
  scores: WakeScore[];
}

/** One fresh stream through `detector`, fed in frames of `frame` samples. */
async function run(detector: WakeDetector, pcm: Int16Array, frame = 512, scores: WakeScore[] = []): Promise<Run> {
  detector.reset();
  const detections: WakeDetection[] = [];
  for (let at = 0; at < pcm.length; at += frame) detections.push(...(await detector.push(pcm.subarray(at, at + frame))));
  return { detections, scores };
}

describeWith([binary('espeak-ng'), binary('sox')], 'wake word on real speech through the real openWakeWord models', () => {
  const detectors = new Map<WakeWord, WakeDetector>();
  const scores: WakeScore[] = [];
  beforeAll(async () => {
    for (const word of WAKE_WORDS) detectors.set(word, await createWakeDetector({ word, onScore: (s) => scores.push(s) }));
  });
  afterAll(async () => {
    for (const d of detectors.values()) await d.close();
  });
  const jarvis = () => detectors.get('hey_jarvis') as WakeDetector;
  const scored = async (detector: WakeDetector, pcm: Int16Array, frame = 512): Promise<Run> => {
    scores.length = 0;
    const out = await run(detector, pcm, frame);
    return { detections: out.detections, scores: [...scores] };
  };

  it('wakes exactly once on "hey jarvis" in several voices and speeds, after the phrase, from the file source', async () => {
    for (const [voice, wpm] of [['en-us', 150], ['en-gb', 180], ['en-gb-scotland', 120], ['en-us+f3', 150]] as const) {
      const speech = await speakDithered('hey jarvis', voice, wpm);
      const pcm = padded(speech);
      const detections: WakeDetection[] = [];
      // The file source's own frames (512 samples), as `jett voice wake --input` and the pipeline read them.
      for await (const frame of new PcmSource('clip', pcm, 0).chunks()) detections.push(...(await jarvis().push(frame)));
      jarvis().reset();
      expect(detections, `${voice} ${wpm}`).toHaveLength(1);
      const d = detections[0] as WakeDetection;
      const phraseEnd = PAD_SAMPLES + speech.length;
      expect(d.word).toBe('hey_jarvis');
      expect(d.score).toBeGreaterThanOrEqual(0.5);
      // The detection comes at a chunk boundary, after the speech started and within 0.5 s of its end.
      expect(d.sample % CHUNK_SAMPLES).toBe(0);
      expect(d.sample).toBeGreaterThan(PAD_SAMPLES);
      expect(d.sample).toBeLessThanOrEqual(phraseEnd + 8000);
      expect(d.endOfPhraseSample).toBe(d.sample - PHRASE_END_LAG_SAMPLES);
    }
  });

  it('wakes once on "hey jarvis, what time is it": the question after the phrase never wakes it again', async () => {
    for (const voice of ['en-us', 'en-gb', 'en-us+f3']) {
      const { detections } = await scored(jarvis(), padded(await speakDithered('hey jarvis, what time is it', voice, 150)));
      expect(detections, voice).toHaveLength(1);
    }
  });

  it('a score that dips under the threshold and rises again within one phrase wakes once; without the refractory period it would wake twice', async () => {
    // en-us at 180 wpm scored 0.53, 0.15, then 0.85 on consecutive chunks here.
    const pcm = padded(await speakDithered('hey jarvis', 'en-us', 180));
    const { detections, scores: s } = await scored(jarvis(), pcm);
    expect(detections).toHaveLength(1);
    const crossings = s.filter((x, i) => x.score >= 0.5 && (s[i - 1]?.score ?? 0) < 0.5);
    expect(crossings.length).toBeGreaterThanOrEqual(2);
    const bare = await createWakeDetector({ word: 'hey_jarvis', refractoryMs: 0 });
    try {
      expect((await run(bare, pcm)).detections.length).toBe(crossings.length);
    } finally {
      await bare.close();
    }
  });

  it('ignores near misses, other speech and silence', async () => {
    const negatives = ['hey there', 'jar of jam', 'hey travis', 'jarvis', 'turn on the lights in the kitchen', 'what time is it'];
    for (const text of negatives) {
      for (const voice of ['en-us', 'en-gb']) {
        const { detections, scores: s } = await scored(jarvis(), padded(await speakDithered(text, voice, 150)));
        expect(detections, `${text} (${voice})`).toEqual([]);
        expect(Math.max(...s.map((x) => x.score)), `${text} (${voice})`).toBeLessThan(0.5);
      }
    }
    expect((await scored(jarvis(), new Int16Array(5 * 16_000))).detections).toEqual([]);
  });

  it('noise from the first sample wakes no head, alexa included; it would without the warm-up', async () => {
    let transientOverThreshold = 0;
    for (const kind of ['whitenoise', 'pinknoise', 'brownnoise'] as const) {
      for (const vol of [0.05, 0.9]) {
        const pcm = await soxNoise(kind, 4, vol);
        for (const word of WAKE_WORDS) {
          const { detections, scores: s } = await scored(detectors.get(word) as WakeDetector, pcm);
          expect(detections, `${word} on ${kind} at ${vol}`).toEqual([]);
          if (s.some((x) => x.score >= 0.5)) transientOverThreshold += 1;
        }
      }
    }
    // The start-up transient is real (alexa scored up to 0.98 on brown noise here): the warm-up is what stops it.
    expect(transientOverThreshold).toBeGreaterThan(0);
    const cold = await createWakeDetector({ word: 'alexa', warmupMs: 0 });
    try {
      expect((await run(cold, await soxNoise('brownnoise', 4, 0.9))).detections.length).toBeGreaterThan(0);
    } finally {
      await cold.close();
    }
  });

  it('gives the same scores to the bit whatever the frame size, and after a reset', async () => {
    const pcm = padded(await speakDithered('hey jarvis, what time is it', 'en-gb', 150));
    const reference = await scored(jarvis(), pcm, CHUNK_SAMPLES);
    expect(reference.scores).toHaveLength(Math.floor(pcm.length / CHUNK_SAMPLES));
    for (const frame of [512, 1, 777, 1281, 4096, pcm.length]) {
      const other = await scored(jarvis(), pcm, frame);
      expect(other.scores, `frames of ${frame}`).toEqual(reference.scores);
      expect(other.detections).toEqual(reference.detections);
    }
  });

  it('a reset in the middle of a stream drops what was pending: the next stream starts clean', async () => {
    const pcm = padded(await speakDithered('hey jarvis', 'en-us', 150));
    const clean = await scored(jarvis(), pcm);
    scores.length = 0;
    const first = jarvis().push(pcm.subarray(0, 30_000));
    jarvis().reset();
    await first;
    scores.length = 0;
    const detections: WakeDetection[] = [];
    for (let at = 0; at < pcm.length; at += 512) detections.push(...(await jarvis().push(pcm.subarray(at, at + 512))));
    expect(scores).toEqual(clean.scores);
    expect(detections).toEqual(clean.detections);
  });
});

describeWith([binary('espeak-ng'), binary('sox'), binary('arecord')], 'wake word on a real microphone capture (fake ALSA device)', () => {
  for (const recorder of ['sox', 'arecord'] as const) {
    it(`${recorder}: the recorder's own frames give the scores of the same samples fed whole, and one detection`, async () => {
      const live: WakeScore[] = [];
      const whole: WakeScore[] = [];
      let sink = live;
      const detector = await createWakeDetector({ word: 'hey_jarvis', onScore: (s) => sink.push(s) });
      try {
        const pcm = padded(await speakDithered('hey jarvis, what time is it', 'en-us', 150));
        const mic = fakeMicrophone(tempDir('jett-wake-mic-'), pcm, { recorder });
        process.env.HOME = mic.home;
        const source = new MicrophoneSource({ recorder, device: 'default', resolveBinary: (n) => resolveBinary(n) });
        const captured = new Int16Array(pcm.length);
        const detections: WakeDetection[] = [];
        let got = 0;
        for await (const frame of source.chunks()) {
          const take = frame.subarray(0, Math.min(frame.length, pcm.length - got));
          captured.set(take, got);
          got += take.length;
          detections.push(...(await detector.push(take)));
          if (got >= pcm.length) await source.stop();
        }
        expect(got).toBe(pcm.length);
        // sox mixes the device's two channels back to mono, and its dither may move a sample by one step.
        expect(captured.every((v, i) => Math.abs(v - (pcm[i] as number)) <= 1)).toBe(true);
        expect(detections).toHaveLength(1);
        sink = whole;
        const again = await run(detector, captured, captured.length);
        expect(whole).toEqual(live);
        expect(again.detections).toEqual(detections);
      } finally {
        await detector.close();
      }
    });
  }
});
