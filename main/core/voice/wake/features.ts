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
    const size = MEL_WINDOW * MEL_BINS;
    const windows: Float32Array[] = [];
    for (let at = 0; at + size <= frames.length; at += 8 * MEL_BINS) windows.push(frames.subarray(at, at + size));
    return new FeatureModels(mel, embedding, await bare.embed(windows));
  }

  /** Mel frames (transformed), flat: 32 values a frame, of raw int16 values given as float32. */
  async melFrames(samples: Float32Array): Promise<Float32Array> {
    const out = await this.mel.run({ [this.mel.inputNames[0] as string]: new ort.Tensor('float32', samples, [1, samples.length]) });
    const data = single(out, this.mel.outputNames[0] as string);
    const frames = new Float32Array(data.length - (data.length % MEL_BINS));
    for (let i = 0; i < frames.length; i++) frames[i] = melTransform(data[i] as number);
    return frames;
  }

  /** One 96-dim embedding per window of 76 mel frames (each window flat). */
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

/**
 * One stream's buffers, flat and shifted in place (this runs every 80 ms for as long as hands-free is on): the
 * chunk and the 480 samples before it, the last 76 mel frames, the last `keep` embeddings.
 */
export class FeatureStream {
  private readonly samples = new Float32Array(HISTORY_SAMPLES + CHUNK_SAMPLES);
  private readonly mel = new Float32Array(MEL_WINDOW * MEL_BINS);
  private readonly embeddings: Float32Array;
  /** No audio yet: the first chunk has no 480 samples before it, and the reference then feeds the chunk alone. */
  private fresh = true;

  constructor(
    private readonly models: FeatureModels,
    /** How many embeddings the head reads (16 for most heads, 22 for `weather`). */
    private readonly keep: number,
  ) {
    this.embeddings = new Float32Array(keep * EMBEDDING_DIM);
    this.reset();
  }

  /** The reference's priming: a mel buffer of ones, embeddings from low noise, no audio history. */
  reset(): void {
    this.fresh = true;
    this.samples.fill(0);
    this.mel.fill(1);
    this.models.priming.slice(-this.keep).forEach((e, i) => this.embeddings.set(e, i * EMBEDDING_DIM));
  }

  /** Takes one 1280-sample chunk; returns the head's input, the last `keep` embeddings (valid until the next push). */
  async push(chunk: Int16Array): Promise<Float32Array> {
    if (chunk.length !== CHUNK_SAMPLES) throw new VoiceError(`a wake-word chunk must hold ${CHUNK_SAMPLES} samples, got ${chunk.length}`, 'this is a bug in Jett');
    this.samples.copyWithin(0, CHUNK_SAMPLES);
    for (let i = 0; i < CHUNK_SAMPLES; i++) this.samples[HISTORY_SAMPLES + i] = chunk[i] as number;
    const input = this.fresh ? this.samples.slice(HISTORY_SAMPLES) : this.samples;
    this.fresh = false;
    const frames = await this.models.melFrames(input);
    this.mel.copyWithin(0, frames.length);
    this.mel.set(frames, this.mel.length - frames.length);
    const [embedding] = await this.models.embed([this.mel]);
    this.embeddings.copyWithin(0, EMBEDDING_DIM);
    this.embeddings.set(embedding as Float32Array, (this.keep - 1) * EMBEDDING_DIM);
    return this.embeddings;
  }
}
