// openWakeWord's streaming features, exactly as its reference pipeline computes them: per 1280-sample (80 ms)
// chunk, 8 new mel frames from the chunk and the 480 samples before it, one 96-dim embedding from the last 76
// mel frames, and the head's score over the last N embeddings.
import * as ort from 'onnxruntime-node';
import { VoiceError } from '../errors.js';

export const CHUNK_SAMPLES = 1280;
/** The mel model's window is 512 samples with a 160-sample hop: 480 samples of history give 8 frames a chunk. */
export const HISTORY_SAMPLES = 480;
export const MEL_BINS = 32;
export const MEL_WINDOW = 76;
export const EMBEDDING_DIM = 96;
/** The reference primes its embeddings from 4 s of low noise (integers in [-1000, 1000)). */
const PRIMING_SAMPLES = 4 * 16_000;
const PRIMING_AMPLITUDE = 1000;

/** The reference's own transform of the mel model's output. */
const melTransform = (x: number): number => x / 10 + 2;

/** mulberry32: the priming noise is the same on every run, so scores repeat to the bit. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function primingNoise(seed = 1): Float32Array {
  const rnd = seeded(seed);
  const out = new Float32Array(PRIMING_SAMPLES);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(rnd() * 2 * PRIMING_AMPLITUDE) - PRIMING_AMPLITUDE;
  return out;
}

function single(out: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const t = out[name] as ort.Tensor | undefined;
  if (!t) throw new VoiceError(`a wake-word model gave no output ${name}`, 'this is a bug in Jett');
  return t.data as Float32Array;
}

/** The two feature models, shared by every stream and every head. */
export class FeatureModels {
  /** The embeddings the reference starts from, computed once: every stream starts from a copy. */
  readonly priming: Float32Array[];

  private constructor(
    private readonly mel: ort.InferenceSession,
    private readonly embedding: ort.InferenceSession,
    priming: Float32Array[] | null,
  ) {
    this.priming = priming ?? [];
  }

  static async create(mel: ort.InferenceSession, embedding: ort.InferenceSession): Promise<FeatureModels> {
    const bare = new FeatureModels(mel, embedding, null);
    const frames = await bare.melFrames(primingNoise());
    const windows: Float32Array[] = [];
    for (let i = 0; i + MEL_WINDOW <= frames.length; i += 8) windows.push(flatten(frames.slice(i, i + MEL_WINDOW)));
    return new FeatureModels(mel, embedding, await bare.embed(windows));
  }

  /** Mel frames (transformed) of raw int16 values given as float32. */
  async melFrames(samples: Float32Array): Promise<Float32Array[]> {
    const out = await this.mel.run({ [this.mel.inputNames[0] as string]: new ort.Tensor('float32', samples, [1, samples.length]) });
    const data = single(out, this.mel.outputNames[0] as string);
    const frames: Float32Array[] = [];
    for (let at = 0; at + MEL_BINS <= data.length; at += MEL_BINS) frames.push(data.slice(at, at + MEL_BINS).map(melTransform));
    return frames;
  }

  /** One 96-dim embedding per window of 76 mel frames (each window flattened). */
  async embed(windows: Float32Array[]): Promise<Float32Array[]> {
    const batch = new Float32Array(windows.length * MEL_WINDOW * MEL_BINS);
    windows.forEach((w, i) => batch.set(w, i * MEL_WINDOW * MEL_BINS));
    const input = new ort.Tensor('float32', batch, [windows.length, MEL_WINDOW, MEL_BINS, 1]);
    const data = single(await this.embedding.run({ [this.embedding.inputNames[0] as string]: input }), this.embedding.outputNames[0] as string);
    return windows.map((_, i) => data.slice(i * EMBEDDING_DIM, (i + 1) * EMBEDDING_DIM));
  }

  async close(): Promise<void> {
    await this.mel.release();
    await this.embedding.release();
  }
}

export function flatten(frames: Float32Array[]): Float32Array {
  const out = new Float32Array(frames.length * (frames[0]?.length ?? 0));
  frames.forEach((f, i) => out.set(f, i * f.length));
  return out;
}

/** One stream's buffers: the samples before the chunk, the last 76 mel frames, the last embeddings. */
export class FeatureStream {
  private history = new Float32Array(0);
  private mel: Float32Array[] = [];
  private embeddings: Float32Array[] = [];

  constructor(
    private readonly models: FeatureModels,
    /** How many embeddings the head reads (16 for most heads, 22 for `weather`). */
    private readonly keep: number,
  ) {
    this.reset();
  }

  /** The reference's priming: a mel buffer of ones, embeddings from low noise, no audio history. */
  reset(): void {
    this.history = new Float32Array(0);
    this.mel = Array.from({ length: MEL_WINDOW }, () => new Float32Array(MEL_BINS).fill(1));
    this.embeddings = this.models.priming.slice(-this.keep);
  }

  /** Takes one 1280-sample chunk; returns the head's input, the last `keep` embeddings, flattened. */
  async push(chunk: Int16Array): Promise<Float32Array> {
    if (chunk.length !== CHUNK_SAMPLES) throw new VoiceError(`a wake-word chunk must hold ${CHUNK_SAMPLES} samples, got ${chunk.length}`, 'this is a bug in Jett');
    const input = new Float32Array(this.history.length + CHUNK_SAMPLES);
    input.set(this.history);
    for (let i = 0; i < CHUNK_SAMPLES; i++) input[this.history.length + i] = chunk[i] as number;
    this.history = input.slice(-HISTORY_SAMPLES);
    this.mel = this.mel.concat(await this.models.melFrames(input)).slice(-MEL_WINDOW);
    const [embedding] = await this.models.embed([flatten(this.mel)]);
    this.embeddings = this.embeddings.concat(embedding as Float32Array).slice(-this.keep);
    return flatten(this.embeddings);
  }
}
