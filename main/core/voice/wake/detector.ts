// Wake-word detection on a stream of 16 kHz samples: frames of any length in, one openWakeWord score per 80 ms
// chunk, a detection when the score first rises over the threshold. Warm-up and a refractory period keep a
// start-up transient or one utterance from ever waking twice.
import * as ort from 'onnxruntime-node';
import { DEFAULT_WAKE_THRESHOLD, type WakeWord } from '../../contracts/wake.js';
import { VoiceError } from '../errors.js';
import { CHUNK_SAMPLES, EMBEDDING_DIM, FeatureModels, FeatureStream } from './features.js';
import { defaultWakeModelsDir, loadWakeModel, WakeModelError } from './models.js';

export interface WakeDetection {
  word: WakeWord;
  /** The score that crossed the threshold. */
  score: number;
  /** Stream sample index just after the chunk whose score crossed: where the detection happened. */
  sample: number;
  /**
   * Where the wake phrase is estimated to end (stream sample index): the question starts here. The first score
   * over the threshold comes PHRASE_END_LAG_SAMPLES or so after the end of the phrase.
   */
  endOfPhraseSample: number;
}

/** Each chunk's score, for tuning and for the benchmark's comparison with the reference. */
export interface WakeScore {
  /** Stream sample index just after the chunk. */
  sample: number;
  score: number;
}

export interface WakeDetectorOptions {
  word: WakeWord;
  threshold?: number;
  modelsDir?: string;
  /**
   * No detection before this much audio: the primed buffers still hold the reference's filler, and noise that starts
   * with the stream pushed `alexa` to 0.98 (brown noise) and `hey_mycroft` to 0.90 within chunks 8-14 here.
   */
  warmupMs?: number;
  /** After a detection, none again until this much audio has passed and the score has fallen below threshold. */
  refractoryMs?: number;
  onScore?: (score: WakeScore) => void;
}

export interface WakeDetector {
  readonly word: WakeWord;
  readonly threshold: number;
  /** Feeds samples (any length); resolves to the detections their complete chunks produced. Calls queue in order. */
  push(samples: Int16Array): Promise<WakeDetection[]>;
  /** Starts a new stream: buffers primed again, warm-up again, pending samples dropped. */
  reset(): void;
  close(): Promise<void>;
}

const RATE = 16_000;
/** The reference forces its first scores to 0 while its buffers fill. */
const FORCED_ZERO_CHUNKS = 5;
export const DEFAULT_WARMUP_MS = 1280;
export const DEFAULT_REFRACTORY_MS = 2000;
/**
 * How far the phrase's end lies before the first score over 0.5: measured on the benchmark's 20 detected espeak-ng
 * "hey jarvis" clips, 650-6032 samples (41-377 ms) after the last loud sample, median about 3300 (206 ms).
 */
export const PHRASE_END_LAG_SAMPLES = 3200;

/** A head and the number of embeddings it reads (its input shape [1, N, 96]). */
export interface WakeHead {
  session: ort.InferenceSession;
  frames: number;
}

export async function loadWakeHead(dir: string, word: WakeWord): Promise<WakeHead> {
  const session = await loadWakeModel(dir, word);
  const meta = session.inputMetadata[0];
  const shape = meta && meta.isTensor ? meta.shape : [];
  const frames = shape[1];
  if (typeof frames !== 'number' || shape[2] !== EMBEDDING_DIM) {
    throw new WakeModelError(`the wake-word head ${word} takes input [${shape.join(', ')}], not [1, N, ${EMBEDDING_DIM}]`, 'reinstall Jett: the models in resources/models/openwakeword are not the ones it shipped');
  }
  return { session, frames };
}

export async function scoreHead(head: WakeHead, input: Float32Array): Promise<number> {
  const out = await head.session.run({ [head.session.inputNames[0] as string]: new ort.Tensor('float32', input, [1, head.frames, EMBEDDING_DIM]) });
  const t = out[head.session.outputNames[0] as string] as ort.Tensor | undefined;
  if (!t) throw new VoiceError('the wake-word head gave no score', 'this is a bug in Jett');
  return (t.data as Float32Array)[0] as number;
}

export async function createWakeDetector(opts: WakeDetectorOptions): Promise<WakeDetector> {
  const dir = opts.modelsDir ?? defaultWakeModelsDir();
  const mel = await loadWakeModel(dir, 'melspectrogram');
  const embedding = await loadWakeModel(dir, 'embedding');
  const head = await loadWakeHead(dir, opts.word);
  const models = await FeatureModels.create(mel, embedding);
  return new StreamingWakeDetector(opts, models, head);
}

class StreamingWakeDetector implements WakeDetector {
  readonly word: WakeWord;
  readonly threshold: number;
  private readonly stream: FeatureStream;
  private readonly warmupChunks: number;
  private readonly refractoryChunks: number;
  private pending = new Int16Array(0);
  private chunks = 0;
  /** Chunk count of the last detection, and whether the score has fallen below threshold since. */
  private lastDetection = Number.NEGATIVE_INFINITY;
  private armed = true;
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;

  constructor(
    private readonly opts: WakeDetectorOptions,
    private readonly models: FeatureModels,
    private readonly head: WakeHead,
  ) {
    this.word = opts.word;
    this.threshold = opts.threshold ?? DEFAULT_WAKE_THRESHOLD;
    this.stream = new FeatureStream(models, head.frames);
    this.warmupChunks = Math.ceil(((opts.warmupMs ?? DEFAULT_WARMUP_MS) * RATE) / 1000 / CHUNK_SAMPLES);
    this.refractoryChunks = Math.ceil(((opts.refractoryMs ?? DEFAULT_REFRACTORY_MS) * RATE) / 1000 / CHUNK_SAMPLES);
  }

  push(samples: Int16Array): Promise<WakeDetection[]> {
    const copy = samples.slice();
    const generation = this.generation;
    const run = this.queue.then(() => this.take(copy, generation));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async take(samples: Int16Array, generation: number): Promise<WakeDetection[]> {
    if (generation !== this.generation) return [];
    const joined = new Int16Array(this.pending.length + samples.length);
    joined.set(this.pending);
    joined.set(samples, this.pending.length);
    const detections: WakeDetection[] = [];
    let at = 0;
    for (; at + CHUNK_SAMPLES <= joined.length; at += CHUNK_SAMPLES) {
      const detection = await this.chunk(joined.subarray(at, at + CHUNK_SAMPLES));
      // A reset while this ran started a new stream: nothing of the old one may leak into it.
      if (generation !== this.generation) return [];
      if (detection) detections.push(detection);
    }
    this.pending = joined.slice(at);
    return detections;
  }

  private async chunk(chunk: Int16Array): Promise<WakeDetection | null> {
    const input = await this.stream.push(chunk);
    const raw = await scoreHead(this.head, input);
    this.chunks += 1;
    const score = this.chunks <= FORCED_ZERO_CHUNKS ? 0 : raw;
    const sample = this.chunks * CHUNK_SAMPLES;
    this.opts.onScore?.({ sample, score });
    if (score < this.threshold) {
      this.armed = true;
      return null;
    }
    // A score over threshold during warm-up disarms too: the transient must fall before anything counts.
    if (this.chunks <= this.warmupChunks) {
      this.armed = false;
      return null;
    }
    if (!this.armed || this.chunks - this.lastDetection < this.refractoryChunks) return null;
    this.armed = false;
    this.lastDetection = this.chunks;
    return { word: this.word, score, sample, endOfPhraseSample: Math.max(0, sample - PHRASE_END_LAG_SAMPLES) };
  }

  reset(): void {
    this.generation += 1;
    this.pending = new Int16Array(0);
    this.chunks = 0;
    this.lastDetection = Number.NEGATIVE_INFINITY;
    this.armed = true;
    this.stream.reset();
  }

  async close(): Promise<void> {
    this.generation += 1;
    await this.queue;
    await this.head.session.release();
    await this.models.close();
  }
}
