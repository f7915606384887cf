// Whisper speech-to-text through the @huggingface/transformers ASR pipeline on onnxruntime-node (the onnx-community
// encoder + merged-decoder exports). The library runs the model; this layer picks the execution provider, checks
// the folder and the input, warms the model up and returns the pipeline's text.
//
// Why no partial transcripts and no shorter window: these exports' encoder takes exactly 30 s of features (3000
// frames, 1500 positions), so the encoder's cost is the same for 1 s or 29 s. A partial transcript would be a
// second full run whose work the final one cannot reuse: it adds GPU load and lowers no latency. What a short turn
// need not pay for is the feature extraction of 30 s of padding: see whisper-window.ts. The decoder's cost follows
// the utterance (tokens), so short turns stay cheap there.
import type { CatalogueEntry, ExecutionProvider, ExecutionProviderChoice } from '../../contracts/models.js';
import type { SpeechToText, Transcript } from '../engines.js';
import { EngineError } from '../errors.js';
import { checkSampleRate, int16ToFloat32, resample, WHISPER_RATE } from './audio.js';
import { checkModelFolder } from './installed.js';
import { loadOnProvider } from './load.js';
import { useLocalModelsOnly } from './local-only.js';
import { shortWindow, type WhisperPipelineParts } from './whisper-window.js';

/** The part of the transformers.js ASR pipeline this engine uses. */
export type AsrPipeline = (audio: Float32Array, options: Record<string, unknown>) => Promise<{ text: string } | { text: string }[]>;

export interface WhisperOptions {
  model: string;
  multilingual: boolean;
  /** ISO code or name ("en", "german"): transformers.js does not detect it. English-only models take none. */
  language: string;
  choice: ExecutionProviderChoice;
}

export interface WhisperLoadOptions {
  modelsDir: string;
  entry: CatalogueEntry;
  language: string;
  choice: ExecutionProviderChoice;
  announce: (c: ExecutionProviderChoice) => void;
}

const MAX_WINDOW_SAMPLES = 30 * WHISPER_RATE;

function isDigitalSilence(audio: Int16Array): boolean {
  for (let i = 0; i < audio.length; i++) if (audio[i] !== 0) return false;
  return true;
}

export class WhisperSpeechToText implements SpeechToText {
  readonly name: string;

  constructor(
    private readonly asr: AsrPipeline,
    private readonly opts: WhisperOptions,
  ) {
    this.name = `${opts.model} (${opts.choice.ep}${opts.choice.fallback ? ', CPU fallback' : ''})`;
  }

  static async load(o: WhisperLoadOptions): Promise<WhisperSpeechToText> {
    checkModelFolder(o.modelsDir, o.entry, 'stt');
    await useLocalModelsOnly(o.modelsDir);
    const { pipeline } = await import('@huggingface/transformers');
    const { engine, choice } = await loadOnProvider(o.entry.name, o.choice, o.announce, async (ep: ExecutionProvider) =>
      shortWindow((await pipeline('automatic-speech-recognition', o.entry.name, { device: ep, dtype: 'fp32', local_files_only: true })) as unknown as AsrPipeline & WhisperPipelineParts),
    );
    return new WhisperSpeechToText(engine, { model: o.entry.name, multilingual: o.entry.languages === 'multi', language: o.language, choice });
  }

  /** One second of quiet noise: builds the sessions and their kernels so the first turn does not pay for it. */
  async warmUp(): Promise<void> {
    const noise = new Int16Array(WHISPER_RATE);
    for (let i = 0; i < noise.length; i++) noise[i] = ((i * 7919) % 61) - 30;
    await this.transcribe(noise, new AbortController().signal);
  }

  async transcribe(audio: Int16Array, signal: AbortSignal): Promise<Transcript> {
    signal.throwIfAborted();
    // Nothing to hear: Whisper would invent words ("Thank you.") for padding alone.
    if (audio.length === 0 || isDigitalSilence(audio)) return { text: '' };
    return this.run(int16ToFloat32(audio), signal);
  }

  /** Audio at another rate (a file, Kokoro's 24 kHz) is resampled to Whisper's 16 kHz first. */
  async transcribeAt(audio: Int16Array, sampleRate: number, signal: AbortSignal): Promise<Transcript> {
    checkSampleRate(sampleRate, `${this.opts.model} input`);
    signal.throwIfAborted();
    if (audio.length === 0 || isDigitalSilence(audio)) return { text: '' };
    return this.run(resample(int16ToFloat32(audio), sampleRate, WHISPER_RATE), signal);
  }

  private async run(samples: Float32Array, signal: AbortSignal): Promise<Transcript> {
    const options: Record<string, unknown> = { return_timestamps: false };
    if (this.opts.multilingual) Object.assign(options, { language: this.opts.language, task: 'transcribe' });
    // Longer than one window: the pipeline's chunking with overlap, as transformers.js documents for long audio.
    if (samples.length > MAX_WINDOW_SAMPLES) Object.assign(options, { chunk_length_s: 30, stride_length_s: 5 });
    let out: Awaited<ReturnType<AsrPipeline>>;
    try {
      out = await this.asr(samples, options);
    } catch (err) {
      const first = String((err as Error).message ?? err).split('\n')[0]!.slice(0, 300);
      const fix = /language/i.test(first) ? 'set models.sttLanguage to a Whisper language code or name, such as en or german' : `check the model with \`jett models verify ${this.opts.model}\``;
      throw new EngineError(`${this.opts.model} failed to transcribe: ${first}`, fix, { cause: err });
    }
    signal.throwIfAborted();
    const text = (Array.isArray(out) ? out.map((o) => o.text).join(' ') : out.text).replace(/\s+/g, ' ').trim();
    return { text };
  }
}
