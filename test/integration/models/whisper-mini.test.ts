// The Whisper engine through the real transformers.js pipeline and onnxruntime-node, on whisper-mini: a tiny
// stand-in with the onnx-community exports' layout and input/output names that says "hi" to any audio (made by
// fixtures/make-whisper-mini.py). Real weights are not needed to check the layer's part: loading, warm-up, the
// language prompt, resampling, long audio in 30 s chunks, errors, and a GPU that fails to start falling back to
// the CPU and still answering.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import type { Catalogue, CatalogueEntry, ExecutionProviderChoice } from '../../../main/core/contracts/models.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { EngineError } from '../../../main/core/voice/errors.js';
import { useLocalModelsOnly } from '../../../main/core/voice/models/local-only.js';
import { modelEngineProviders } from '../../../main/core/voice/models/providers.js';
import { windowFeatures, type WhisperPipelineParts } from '../../../main/core/voice/models/whisper-window.js';
import { WhisperSpeechToText } from '../../../main/core/voice/models/whisper.js';
import { tempDir } from '../../helpers/tmp.js';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const FILES = ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx'];
const entry: CatalogueEntry = {
  name: 'whisper-mini',
  task: 'stt',
  engine: 'whisper',
  languages: 'multi',
  description: 'test stand-in',
  repo: 'jett/whisper-mini',
  revision: null,
  sources: ['fixtures/make-whisper-mini.py'],
  approxBytes: 40_000,
  files: FILES.map((p) => ({ path: p, bytes: null, sha256: null })),
};
const cpu: ExecutionProviderChoice = { engine: 'whisper-mini', requested: 'cpu', ep: 'cpu', fallback: false, reason: 'models.executionProvider is cpu' };
const signal = () => new AbortController().signal;
const tone = (seconds: number, rate = 16000) => new Int16Array(seconds * rate).map((_, i) => Math.round(3000 * Math.sin((2 * Math.PI * 300 * i) / rate)));

const load = (language = 'en') => WhisperSpeechToText.load({ modelsDir: FIXTURES, entry, language, choice: cpu, announce: () => undefined });

describe('Whisper through transformers.js (whisper-mini stand-in)', () => {
  it('loads, warms up and transcribes speech-length audio', async () => {
    const stt = await load();
    await stt.warmUp();
    expect(stt.name).toBe('whisper-mini (cpu)');
    expect(await stt.transcribe(tone(2), signal())).toEqual({ text: 'hi' });
  });

  it('resamples other rates, chunks audio longer than 30 s, and skips empty audio', async () => {
    const stt = await load();
    expect(await stt.transcribeAt(tone(1, 24000), 24000, signal())).toEqual({ text: 'hi' });
    expect(await stt.transcribe(tone(31), signal())).toEqual({ text: 'hi' });
    expect(await stt.transcribe(new Int16Array(0), signal())).toEqual({ text: '' });
  });

  it('prompts with the configured language, and a language Whisper does not know is an EngineError naming the key', async () => {
    expect(await (await load('german')).transcribe(tone(1), signal())).toEqual({ text: 'hi' });
    const err = await (await load('klingon')).transcribe(tone(1), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toMatch(/^whisper-mini failed to transcribe: Language "klingon" is not supported/);
    expect((err as EngineError).fix).toContain('models.sttLanguage');
  });

  it('falls back to the CPU when the GPU session fails to start, says so, and still transcribes', async () => {
    const dir = tempDir();
    fs.cpSync(path.join(FIXTURES, 'whisper-mini'), path.join(dir, 'whisper-mini'), { recursive: true });
    const catalogue: Catalogue = { version: 1, models: [entry] };
    const bus = new EventBus();
    const events: ExecutionProviderChoice[] = [];
    bus.on('models.executionProvider', (c) => events.push(c));
    // A machine that claims DirectML: on Linux the library refuses that device, a GPU session that cannot start
    // wherever these tests run (unlike CUDA, which a Linux box with the opt-in files could really start).
    const providers = modelEngineProviders({
      logger: createLogger({ sink: () => undefined, format: 'json' }),
      bus,
      catalogue,
      ort: async () => ({ platform: 'win32', arch: 'x64', backends: [{ name: 'cpu', bundled: true }, { name: 'dml', bundled: true }], libDir: null }),
    });
    const stt = await providers.speechToText!(ConfigSchema.parse({ models: { stt: 'whisper-mini' } }), dir);
    expect(stt?.name).toBe('whisper-mini (cpu, CPU fallback)');
    expect(events).toEqual([expect.objectContaining({ engine: 'whisper-mini', ep: 'cpu', fallback: true, reason: expect.stringContaining('dml failed to start') })]);
    expect(await stt!.transcribe(tone(1), signal())).toEqual({ text: 'hi' });
  });
});

describe('the features of a short turn', () => {
  it('are the ones the library computes over the whole padded 30 s window', async () => {
    await useLocalModelsOnly(FIXTURES);
    const { pipeline } = await import('@huggingface/transformers');
    const pipe = (await pipeline('automatic-speech-recognition', 'whisper-mini', { device: 'cpu', dtype: 'fp32' })) as unknown as WhisperPipelineParts;
    for (const seconds of [0.7, 2.3, 12.01, 29.97]) {
      const samples = new Float32Array(Math.round(seconds * 16000)).map((_, i) => 0.3 * Math.sin(i / 7) * Math.sin(i / 3000));
      const full = (await pipe.processor.feature_extractor(samples, { max_length: 480000 })).input_features;
      const short = await windowFeatures(pipe, samples);
      expect(short.dims).toEqual(full.dims);
      const a = short.data as Float32Array;
      const b = full.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      expect(worst, `${seconds} s`).toBeLessThan(1e-6);
    }
  });
});
