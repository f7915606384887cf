// The Whisper and Kokoro engine layer inside the real voice pipeline (real Silero VAD and endpointing on
// espeak-ng speech): the pipeline warms both up, the transcript is the one the ASR gave, and Kokoro's 24 kHz
// audio reaches the sink at 24 kHz. The model runs themselves are stand-ins (no weights here); the layer is real.
import { expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import type { ExecutionProviderChoice } from '../../../main/core/contracts/models.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { PcmSource } from '../../../main/core/voice/file-source.js';
import { KokoroTextToSpeech, type KokoroStreamer } from '../../../main/core/voice/models/kokoro.js';
import { WhisperSpeechToText, type AsrPipeline } from '../../../main/core/voice/models/whisper.js';
import { MemorySink } from '../../../main/core/voice/playback.js';
import { buildPipeline } from '../../../main/core/voice/setup.js';
import { ScriptedLanguageModel } from '../../../main/core/voice/test-engines.js';
import { speak } from '../../helpers/audio.js';
import { binary, describeWith } from '../../helpers/requirements.js';

const cpu: ExecutionProviderChoice = { engine: 'test', requested: 'cpu', ep: 'cpu', fallback: false, reason: 'models.executionProvider is cpu' };

describeWith([binary('espeak-ng'), binary('sox')], 'Whisper and Kokoro engines in the voice pipeline', () => {
  it('warms both up, answers a spoken turn, and plays Kokoro audio at 24 kHz', async () => {
    const heard: number[] = [];
    const asr: AsrPipeline = async (samples) => (heard.push(samples.length), { text: ' Turn on the lights. ' });
    const spoken: string[] = [];
    const kokoro: KokoroStreamer = {
      async *stream(splitter) {
        for await (const sentence of splitter as unknown as AsyncIterable<string>) {
          spoken.push(sentence);
          yield { text: sentence, audio: { audio: new Float32Array(4800).fill(0.1), sampling_rate: 24000 } };
        }
      },
    };
    const stt = new WhisperSpeechToText(asr, { model: 'whisper-base', multilingual: true, language: 'en', choice: cpu });
    const tts = new KokoroTextToSpeech(kokoro, { model: 'kokoro-82m', voice: 'af_heart', speed: 1, choice: cpu });
    const sink = new MemorySink();
    const pipeline = await buildPipeline({
      config: ConfigSchema.parse({}),
      engines: { stt, llm: new ScriptedLanguageModel({ reply: 'The lights are on. Anything else?' }), tts },
      logger: createLogger({ sink: () => undefined, format: 'json' }),
      resolveBinary: (n) => resolveBinary(n),
      sink,
    });
    expect(await pipeline.start()).toEqual([]);
    // The warm-ups ran the models once each: one second of audio, one word.
    expect(heard).toEqual([16000]);
    expect(spoken).toEqual(['Ready.']);

    const turn = await pipeline.runTurn(new PcmSource('turn', await speak('Turn on the lights.')));
    await pipeline.stop();
    expect(turn).toMatchObject({ outcome: 'answered', transcript: 'Turn on the lights.', engines: { stt: 'whisper-base (cpu)', tts: 'kokoro-82m af_heart (cpu)' } });
    expect(spoken.slice(1).join(' ')).toBe('The lights are on. Anything else?');
    expect(sink.sampleRate).toBe(24000);
    expect(sink.chunks.reduce((n, c) => n + c.length, 0)).toBe(4800 * (spoken.length - 1));
  });
});
