// Whisper and Kokoro with their real weights, loaded the way the voice pipeline loads them (modelEngineProviders):
// Whisper transcribes espeak-ng speech of known sentences with a word error rate under 15 %, and Kokoro's speech
// fed back through Whisper comes back as the same words. The weights cannot be downloaded on the build machines,
// so this runs only when JETT_MODELS_DIR holds them (`jett models pull whisper-base` and `kokoro-82m`, then
// JETT_MODELS_DIR=<that models folder>); JETT_STT_MODEL picks another Whisper from the catalogue.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import type { ExecutionProviderChoice } from '../../../main/core/contracts/models.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import type { SpeechToText, TextToSpeech } from '../../../main/core/voice/engines.js';
import { KokoroTextToSpeech } from '../../../main/core/voice/models/kokoro.js';
import { modelEngineProviders } from '../../../main/core/voice/models/providers.js';
import { WhisperSpeechToText } from '../../../main/core/voice/models/whisper.js';
import { speak } from '../../helpers/audio.js';
import { binary, describeWith, optionalEnv } from '../../helpers/requirements.js';
import { wordErrorRate, words } from './wer.js';

const WHY = 'real Whisper and Kokoro weights cannot be downloaded on this machine: `jett models pull whisper-base` and `jett models pull kokoro-82m` elsewhere, then set it to that models folder';

describeWith([optionalEnv('JETT_MODELS_DIR', WHY), binary('espeak-ng'), binary('sox')], 'Whisper and Kokoro with real weights', () => {
  const dir = path.resolve(process.env.JETT_MODELS_DIR ?? '');
  const sttModel = process.env.JETT_STT_MODEL ?? 'whisper-base';
  const config = ConfigSchema.parse({ models: { stt: sttModel, sttLanguage: 'en', tts: 'kokoro-82m' } });
  const choices: ExecutionProviderChoice[] = [];
  let stt: SpeechToText;
  let tts: TextToSpeech;
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    for (const name of [sttModel, 'kokoro-82m']) {
      if (!fs.existsSync(path.join(dir, name, 'config.json'))) throw new Error(`JETT_MODELS_DIR=${dir} has no ${name}: run \`jett models pull ${name}\` with models.dir set to it`);
    }
    const bus = new EventBus();
    bus.on('models.executionProvider', (c) => choices.push(c));
    const providers = modelEngineProviders({ logger: createLogger({ sink: (l) => process.stderr.write(`${l}\n`), format: 'pretty' }), bus });
    stt = (await providers.speechToText!(config, dir))!;
    tts = (await providers.textToSpeech!(config, dir))!;
    await stt.warmUp?.();
    await tts.warmUp?.();
  }, 600_000);

  it('announced where each engine runs', () => {
    expect(choices.map((c) => c.engine).sort()).toEqual(['kokoro-82m', sttModel].sort());
    expect(stt).toBeInstanceOf(WhisperSpeechToText);
    expect(tts).toBeInstanceOf(KokoroTextToSpeech);
  });

  it('transcribes espeak-ng speech of known sentences with a word error rate under 15 %', async () => {
    const sentences = [
      'Turn on the lights in the kitchen.',
      'What is the weather like tomorrow morning?',
      'Please play some quiet music in the living room.',
      'How long does it take to drive to the airport?',
      'Add milk and bread to the shopping list.',
    ];
    let errors = 0;
    let total = 0;
    for (const s of sentences) {
      const { text } = await stt.transcribe(await speak(s), signal());
      process.stderr.write(`espeak-ng: "${s}" -> whisper: "${text}"\n`);
      errors += wordErrorRate(s, text) * words(s).length;
      total += words(s).length;
    }
    expect(errors / total).toBeLessThan(0.15);
  }, 300_000);

  it('gives Kokoro speech back through Whisper as the same words', async () => {
    const whisper = stt as WhisperSpeechToText;
    for (const s of ['The kitchen lights are on now.', 'Your meeting starts in a few minutes.', 'I have added milk to the shopping list.']) {
      const chunks: Int16Array[] = [];
      for await (const c of tts.synthesize(s, signal())) chunks.push(c);
      const pcm = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        pcm.set(c, at);
        at += c.length;
      }
      expect(pcm.length / tts.sampleRate).toBeGreaterThan(0.5);
      const { text } = await whisper.transcribeAt(pcm, tts.sampleRate, signal());
      process.stderr.write(`kokoro: "${s}" -> whisper: "${text}"\n`);
      expect(words(text)).toEqual(words(s));
    }
  }, 300_000);

  it('gives empty results for empty audio and punctuation-only text with the real models', async () => {
    expect(await stt.transcribe(new Int16Array(0), signal())).toEqual({ text: '' });
    const chunks: Int16Array[] = [];
    for await (const c of tts.synthesize('?!...', signal())) chunks.push(c);
    expect(chunks).toEqual([]);
  });
});
