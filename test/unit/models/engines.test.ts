// The Whisper and Kokoro engine layer without weights: input checks (empty audio, silence, other sample rates,
// punctuation-only text, bad voice or speed), and loading through the real transformers.js and kokoro-js from a
// models folder that is missing, incomplete, of the wrong kind or corrupt - each a clear EngineError, never a crash
// and never a fetch from the Hub.
import fs from 'node:fs';
import path from 'node:path';
import { KokoroTTS } from 'kokoro-js';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import type { ExecutionProviderChoice } from '../../../main/core/contracts/models.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { EngineError } from '../../../main/core/voice/errors.js';
import { findEntry, loadCatalogue } from '../../../main/core/voice/models/catalogue.js';
import { checkSpeed, checkVoice, KokoroTextToSpeech, kokoroVoices, type KokoroStreamer } from '../../../main/core/voice/models/kokoro.js';
import { useLocalModelsOnly } from '../../../main/core/voice/models/local-only.js';
import { modelEngineProviders, ModelsStatusTracker } from '../../../main/core/voice/models/providers.js';
import { WhisperSpeechToText, type AsrPipeline } from '../../../main/core/voice/models/whisper.js';
import { tempDir } from '../../helpers/tmp.js';

const cpu: ExecutionProviderChoice = { engine: 'test', requested: 'cpu', ep: 'cpu', fallback: false, reason: 'models.executionProvider is cpu' };
const signal = () => new AbortController().signal;
const catalogue = loadCatalogue();

function recordingAsr(text = ' hello   world '): { asr: AsrPipeline; calls: { samples: Float32Array; options: Record<string, unknown> }[] } {
  const calls: { samples: Float32Array; options: Record<string, unknown> }[] = [];
  return { calls, asr: async (samples, options) => (calls.push({ samples, options }), { text }) };
}

describe('WhisperSpeechToText input', () => {
  const whisper = (asr: AsrPipeline, multilingual = true, language = 'en') => new WhisperSpeechToText(asr, { model: 'whisper-base', multilingual, language, choice: cpu });

  it('gives an empty transcript for empty audio and for digital silence, without running the model', async () => {
    const { asr, calls } = recordingAsr();
    expect(await whisper(asr).transcribe(new Int16Array(0), signal())).toEqual({ text: '' });
    expect(await whisper(asr).transcribe(new Int16Array(16000), signal())).toEqual({ text: '' });
    expect(calls).toHaveLength(0);
  });

  it('passes float samples in [-1, 1) and returns the text with its spacing tidied', async () => {
    const { asr, calls } = recordingAsr();
    const pcm = Int16Array.from([0, 16384, -32768, 32767]);
    expect(await whisper(asr).transcribe(pcm, signal())).toEqual({ text: 'hello world' });
    expect(Array.from(calls[0]!.samples)).toEqual([0, 0.5, -1, 32767 / 32768]);
    expect(calls[0]!.options).toEqual({ return_timestamps: false, language: 'en', task: 'transcribe' });
  });

  it('turns a failure of the model run into an EngineError with the fix', async () => {
    const failing: AsrPipeline = async () => Promise.reject(new Error('Language "klingon" is not supported. Must be one of: ["en"]'));
    const err = await whisper(failing, true, 'klingon').transcribe(Int16Array.from([1, 2]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toBe('whisper-base failed to transcribe: Language "klingon" is not supported. Must be one of: ["en"]');
    expect((err as EngineError).fix).toContain('models.sttLanguage');
  });

  it('sends the configured language to multilingual models only (English-only models reject one)', async () => {
    const multi = recordingAsr();
    await whisper(multi.asr, true, 'german').transcribe(Int16Array.from([1, 2, 3]), signal());
    expect(multi.calls[0]!.options).toMatchObject({ language: 'german', task: 'transcribe' });
    const en = recordingAsr();
    await whisper(en.asr, false, 'german').transcribe(Int16Array.from([1, 2, 3]), signal());
    expect(en.calls[0]!.options).not.toHaveProperty('language');
  });

  it('chunks audio longer than one 30 s window', async () => {
    const { asr, calls } = recordingAsr();
    await whisper(asr).transcribe(new Int16Array(31 * 16000).fill(5), signal());
    expect(calls[0]!.options).toMatchObject({ chunk_length_s: 30, stride_length_s: 5 });
  });

  it('resamples audio at another rate to 16 kHz, and rejects a rate audio never has', async () => {
    const { asr, calls } = recordingAsr();
    const second44k = new Int16Array(44100).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 44100)));
    await whisper(asr).transcribeAt(second44k, 44100, signal());
    expect(calls[0]!.samples.length).toBe(16000);
    await expect(whisper(asr).transcribeAt(second44k, 0, signal())).rejects.toThrow(EngineError);
    await expect(whisper(asr).transcribeAt(second44k, 44100.5, signal())).rejects.toThrow(/sample rate 44100.5 Hz/);
  });

  it('does not start on an aborted turn', async () => {
    const { asr, calls } = recordingAsr();
    const c = new AbortController();
    c.abort(new Error('barge-in'));
    await expect(whisper(asr).transcribe(Int16Array.from([1]), c.signal)).rejects.toThrow('barge-in');
    expect(calls).toHaveLength(0);
  });

  it('names its model and execution provider, and says when it is a CPU fallback', () => {
    const { asr } = recordingAsr();
    expect(new WhisperSpeechToText(asr, { model: 'whisper-base', multilingual: true, language: '', choice: { ...cpu, requested: 'auto', fallback: true } }).name).toBe('whisper-base (cpu, CPU fallback)');
  });
});

function fakeKokoro(): { streamer: KokoroStreamer; texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    streamer: {
      async *stream(splitter) {
        for await (const sentence of splitter as unknown as AsyncIterable<string>) {
          texts.push(sentence);
          yield { text: sentence, audio: { audio: new Float32Array(2400).fill(0.25), sampling_rate: 24000 } };
        }
      },
    },
  };
}

describe('KokoroTextToSpeech input', () => {
  const collect = async (it: AsyncIterable<Int16Array>) => {
    const out: Int16Array[] = [];
    for await (const c of it) out.push(c);
    return out;
  };

  it('knows kokoro-js voices and rejects others with the list', () => {
    expect(kokoroVoices()).toEqual(Object.keys(new KokoroTTS(null as never, null as never).voices));
    expect(checkVoice('af_heart')).toBe('af_heart');
    const err = (() => {
      try {
        return checkVoice('hal9000');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).fix).toContain('af_heart, ');
    expect(() => checkSpeed(3)).toThrow(/outside 0.5-2/);
    expect(() => checkSpeed(Number.NaN)).toThrow(EngineError);
  });

  it('gives no audio for text with only punctuation or whitespace, without running the model', async () => {
    const { streamer, texts } = fakeKokoro();
    const tts = new KokoroTextToSpeech(streamer, { model: 'kokoro-82m', voice: 'af_heart', speed: 1, choice: cpu });
    for (const text of ['', '   ', '...!?', '— « » …', '***']) expect(await collect(tts.synthesize(text, signal()))).toEqual([]);
    expect(texts).toEqual([]);
  });

  it('turns each sentence into 24 kHz S16 PCM as it is ready', async () => {
    const { streamer, texts } = fakeKokoro();
    const tts = new KokoroTextToSpeech(streamer, { model: 'kokoro-82m', voice: 'af_heart', speed: 1, choice: cpu });
    const chunks = await collect(tts.synthesize('Hello there.  How are you', signal()));
    expect(tts.sampleRate).toBe(24000);
    expect(texts).toEqual(['Hello there.', 'How are you']);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]![0]).toBe(Math.round(0.25 * 32767));
  });

  it('stops between sentences when the turn is aborted', async () => {
    const { streamer } = fakeKokoro();
    const tts = new KokoroTextToSpeech(streamer, { model: 'kokoro-82m', voice: 'af_heart', speed: 1, choice: cpu });
    const c = new AbortController();
    const chunks: Int16Array[] = [];
    for await (const chunk of tts.synthesize('One. Two. Three.', c.signal)) {
      chunks.push(chunk);
      c.abort();
    }
    expect(chunks).toHaveLength(1);
  });
});

describe('loading from the models folder', () => {
  const whisperEntry = findEntry(catalogue, 'whisper-base');
  const kokoroEntry = findEntry(catalogue, 'kokoro-82m');

  function modelFolder(entry: typeof whisperEntry, modelType: string, content = 'not an onnx model'): string {
    const dir = tempDir();
    for (const f of entry.files) {
      fs.mkdirSync(path.dirname(path.join(dir, entry.name, f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, entry.name, f.path), f.path.endsWith('.onnx') ? content : '{}');
    }
    fs.writeFileSync(path.join(dir, entry.name, 'config.json'), JSON.stringify({ model_type: modelType }));
    return dir;
  }

  it('never fetches from the Hub: a missing model is a local file-not-found for both copies of transformers.js', async () => {
    const dir = tempDir();
    await useLocalModelsOnly(dir);
    const { pipeline } = await import('@huggingface/transformers');
    await expect(pipeline('automatic-speech-recognition', 'whisper-base', { device: 'cpu' })).rejects.toThrow(`file was not found locally at "${path.join(dir, 'whisper-base', 'config.json')}"`);
    await expect(KokoroTTS.from_pretrained('kokoro-82m', { device: 'cpu' })).rejects.toThrow(path.join(dir, 'kokoro-82m'));
  });

  it('reports a model of the wrong kind before loading it', async () => {
    const dir = modelFolder(whisperEntry, 'bert');
    await expect(WhisperSpeechToText.load({ modelsDir: dir, entry: whisperEntry, language: '', choice: cpu, announce: () => undefined })).rejects.toThrow(/holds a model of type "bert", not a whisper model/);
    await expect(WhisperSpeechToText.load({ modelsDir: dir, entry: kokoroEntry, language: '', choice: cpu, announce: () => undefined })).rejects.toThrow(/kokoro-82m is a text-to-speech model, not speech-to-text/);
  });

  it('names the missing file of an incomplete model', async () => {
    const dir = modelFolder(kokoroEntry, 'style_text_to_speech_2');
    fs.rmSync(path.join(dir, 'kokoro-82m', 'onnx', 'model.onnx'));
    const err = await KokoroTextToSpeech.load({ modelsDir: dir, entry: kokoroEntry, voice: 'af_heart', speed: 1, choice: cpu, announce: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toMatch(/is incomplete: missing onnx\/model\.onnx/);
    expect((err as EngineError).fix).toContain('jett models pull kokoro-82m --force');
  });

  it('turns a corrupt Whisper or Kokoro model file into a load error that says how to check it', async () => {
    const w = await WhisperSpeechToText.load({ modelsDir: modelFolder(whisperEntry, 'whisper'), entry: whisperEntry, language: '', choice: cpu, announce: () => undefined }).catch((e: unknown) => e);
    expect(w).toBeInstanceOf(EngineError);
    expect((w as EngineError).message).toMatch(/^cannot load whisper-base: .*(Protobuf parsing failed|onnx)/i);
    expect((w as EngineError).fix).toContain('jett models verify whisper-base');
    const k = await KokoroTextToSpeech.load({ modelsDir: modelFolder(kokoroEntry, 'style_text_to_speech_2'), entry: kokoroEntry, voice: 'af_heart', speed: 1, choice: cpu, announce: () => undefined }).catch((e: unknown) => e);
    expect(k).toBeInstanceOf(EngineError);
    expect((k as EngineError).message).toMatch(/^cannot load kokoro-82m: /);
  });
});

describe('the engine providers for the voice pipeline', () => {
  const config = (models: Record<string, unknown>) => ConfigSchema.parse({ models });
  const quiet = createLogger({ sink: () => undefined, format: 'json' });

  it('return null when the configured model is not installed, so the pipeline can say so or use espeak-ng', async () => {
    const providers = modelEngineProviders({ logger: quiet });
    const dir = tempDir();
    expect(await providers.speechToText!(config({}), dir)).toBeNull();
    expect(await providers.textToSpeech!(config({}), dir)).toBeNull();
    expect(await providers.textToSpeech!(config({ tts: '' }), dir)).toBeNull();
  });

  it('announce a GPU that fails to start on the bus, in the log and in the status, before the CPU is tried', async () => {
    const entry = findEntry(catalogue, 'whisper-base');
    const dir = tempDir();
    for (const f of entry.files) {
      fs.mkdirSync(path.dirname(path.join(dir, entry.name, f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, entry.name, f.path), f.path === 'config.json' ? '{"model_type":"whisper"}' : 'corrupt');
    }
    const lines: string[] = [];
    const bus = new EventBus();
    const events: ExecutionProviderChoice[] = [];
    bus.on('models.executionProvider', (c) => events.push(c));
    const tracker = new ModelsStatusTracker();
    // onnxruntime-node as it is here, but claiming the CUDA files are installed: the real CUDA session then fails to start.
    const providers = modelEngineProviders(
      { logger: createLogger({ sink: (l) => lines.push(l), format: 'json' }), bus, ort: async () => ({ platform: 'linux', arch: 'x64', backends: [{ name: 'cpu', bundled: true }, { name: 'cuda', bundled: false }], libDir: '/x', fileExists: () => true }) },
      tracker,
    );
    const err = await providers.speechToText!(config({ executionProvider: 'auto' }), dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ engine: 'whisper-base', ep: 'cpu', fallback: true, reason: expect.stringContaining('cuda failed to start') });
    expect(tracker.snapshot().stt).toEqual(events[0]);
    const logged = lines.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(logged).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/^whisper-base runs on cpu \(CPU FALLBACK\): cuda failed to start/) }));
  });
});
