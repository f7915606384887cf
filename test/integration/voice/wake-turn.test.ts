// The turn after the wake word, on real audio through the real models (openWakeWord, Silero): espeak-ng "hey
// jarvis" joined to a separately made question at a known sample, so the cut is checked in samples.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../../main/core/log/logger.js';
import { createWakeDetector, type WakeDetector } from '../../../main/core/voice/wake/detector.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import { PcmSource } from '../../../main/core/voice/file-source.js';
import { Listening } from '../../../main/core/voice/listening.js';
import type { DetectedTurn } from '../../../main/core/voice/turn-detector.js';
import { SileroVad } from '../../../main/core/voice/vad.js';
import { DEFAULT_WAKE_GATE, type WakeDetection } from '../../../main/core/voice/wake-gate.js';
import { ms, SPEECH_FLOOR } from '../../helpers/audio.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { joined, speakDithered } from '../../helpers/wake-audio.js';
import { ScriptedSpeechToText } from '../../../main/core/voice/test-engines.js';

const logger = createLogger({ sink: () => undefined, format: 'json' });

interface Heard {
  turns: DetectedTurn[];
  wakes: Array<{ wake: WakeDetection; cut: number }>;
  unanswered: WakeDetection[];
}

async function listen(vad: SileroVad, detector: WakeDetector, pcm: Int16Array): Promise<Heard> {
  const heard: Heard = { turns: [], wakes: [], unanswered: [] };
  detector.reset();
  const options = { ...DEFAULT_WAKE_GATE, word: 'hey_jarvis', threshold: 0.5 };
  const session = new Listening(new PcmSource('clip', pcm, 5000), vad, { endpoint: DEFAULT_ENDPOINT, wake: { detector, options, events: { woke: (wake, cut) => heard.wakes.push({ wake, cut }), unanswered: (w) => heard.unanswered.push(w) } } }, new ScriptedSpeechToText(), logger, {
    deaf: () => false,
    hear: (ev) => {
      if (ev.type === 'turn-end') heard.turns.push(ev.turn);
      return false;
    },
    partial: () => undefined,
    failed: (err) => {
      throw err;
    },
    closing: () => undefined,
    ended: () => undefined,
  });
  await session.done;
  return heard;
}

describeWith([binary('espeak-ng'), binary('sox')], 'the turn after the wake word (real openWakeWord and Silero models)', () => {
  let vad: SileroVad;
  let detector: WakeDetector;
  beforeAll(async () => {
    vad = await SileroVad.load();
    detector = await createWakeDetector({ word: 'hey_jarvis' });
  });
  afterAll(async () => {
    await vad.close();
    await detector.close();
  });

  it('cuts the phrase at the junction', async () => {
    for (const [voice, gapMs] of [['en-us', 150], ['en-gb', 100], ['en-us+f3', 250], ['en-us', 60]] as const) {
      const phrase = await speakDithered('hey jarvis', voice, 150);
      const question = await speakDithered('what time is it', voice, 150);
      const lead = ms(1500);
      const pcm = joined(new Int16Array(lead), phrase, new Int16Array(ms(gapMs)), question);
      const phraseEnd = lead + phrase.length;
      const questionStart = phraseEnd + ms(gapMs);
      const heard = await listen(vad, detector, pcm);
      console.log(voice, gapMs, { phraseEnd, questionStart, wakes: heard.wakes, turns: heard.turns.map((t) => ({ audioStart: t.audioStart, speechStart: t.speechStart, len: t.audio.length })) });
    }
  });
});
