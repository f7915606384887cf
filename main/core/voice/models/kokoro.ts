// Kokoro-82M text-to-speech through kokoro-js on onnxruntime-node. kokoro-js phonemises (its bundled espeak-ng
// WASM), tokenises, picks the voice's style vector from the voices it ships, and runs the model; this layer checks
// voice, speed, text and folder, picks the execution provider, and turns each sentence into S16 PCM as it is ready.
import { KokoroTTS, TextSplitterStream } from 'kokoro-js';
import type { CatalogueEntry, ExecutionProvider, ExecutionProviderChoice } from '../../contracts/models.js';
import type { TextToSpeech } from '../engines.js';
import { EngineError } from '../errors.js';
import { float32ToInt16, KOKORO_RATE, resample } from './audio.js';
import { checkModelFolder } from './installed.js';
import { loadOnProvider } from './load.js';
import { useLocalModelsOnly } from './local-only.js';
import { speakableText } from './text.js';

type VoiceId = keyof KokoroTTS['voices'];

/** The part of kokoro-js this engine uses: sentences in, 24 kHz float audio out, one sentence at a time. */
export interface KokoroStreamer {
  stream(text: TextSplitterStream, options: { voice: VoiceId; speed: number }): AsyncIterable<{ text: string; audio: { audio: Float32Array; sampling_rate: number } }>;
}

/** kokoro-js's own voice table (the constructor only stores its arguments, so no model is needed to read it). */
export function kokoroVoices(): string[] {
  return Object.keys(new KokoroTTS(null as never, null as never).voices);
}

export function checkVoice(voice: string): VoiceId {
  const voices = kokoroVoices();
  if (!voices.includes(voice)) throw new EngineError(`Kokoro has no voice "${voice}"`, `set models.ttsVoice to one of: ${voices.join(', ')}`);
  return voice as VoiceId;
}

export function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < 0.5 || speed > 2) throw new EngineError(`Kokoro speed ${speed} is outside 0.5-2`, 'set models.ttsSpeed between 0.5 and 2 (1 is normal)');
  return speed;
}

export interface KokoroOptions {
  model: string;
  voice: string;
  speed: number;
  choice: ExecutionProviderChoice;
}

export interface KokoroLoadOptions {
  modelsDir: string;
  entry: CatalogueEntry;
  voice: string;
  speed: number;
  choice: ExecutionProviderChoice;
  announce: (c: ExecutionProviderChoice) => void;
}

export class KokoroTextToSpeech implements TextToSpeech {
  readonly name: string;
  readonly sampleRate = KOKORO_RATE;
  private readonly voice: VoiceId;
  private readonly speed: number;

  constructor(
    private readonly tts: KokoroStreamer,
    private readonly opts: KokoroOptions,
  ) {
    this.voice = checkVoice(opts.voice);
    this.speed = checkSpeed(opts.speed);
    this.name = `${opts.model} ${opts.voice} (${opts.choice.ep}${opts.choice.fallback ? ', CPU fallback' : ''})`;
  }

  static async load(o: KokoroLoadOptions): Promise<KokoroTextToSpeech> {
    checkVoice(o.voice);
    checkSpeed(o.speed);
    checkModelFolder(o.modelsDir, o.entry, 'tts');
    await useLocalModelsOnly(o.modelsDir);
    const { engine, choice } = await loadOnProvider(o.entry.name, o.choice, o.announce, async (ep: ExecutionProvider) =>
      // kokoro-js's types list only the browser devices; in Node its transformers.js maps cuda and dml as well.
      KokoroTTS.from_pretrained(o.entry.name, { dtype: 'fp32', device: ep as 'cpu' }),
    );
    return new KokoroTextToSpeech(engine as unknown as KokoroStreamer, { model: o.entry.name, voice: o.voice, speed: o.speed, choice });
  }

  async warmUp(): Promise<void> {
    for await (const chunk of this.synthesize('Ready.', new AbortController().signal)) void chunk;
  }

  async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    const clean = speakableText(text);
    if (!clean || signal.aborted) return;
    // A closed splitter: kokoro-js ends the stream after the last sentence instead of waiting for more text.
    const sentences = new TextSplitterStream();
    sentences.push(clean);
    sentences.close();
    for await (const part of this.tts.stream(sentences, { voice: this.voice, speed: this.speed })) {
      if (signal.aborted) return;
      const samples = part.audio.sampling_rate === this.sampleRate ? part.audio.audio : resample(part.audio.audio, part.audio.sampling_rate, this.sampleRate);
      if (samples.length > 0) yield float32ToInt16(samples);
    }
  }
}
