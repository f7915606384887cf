// openWakeWord's reference streaming pipeline (openwakeword/utils.py AudioFeatures + model.py predict), written
// plainly on bare onnxruntime-node with no Jett code: the benchmark's yardstick for Jett's scores and cost.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/openwakeword');
const opts: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 };

export interface ReferenceStream {
  /** One 1280-sample chunk in, the head's score out (the first 5 forced to 0, as model.py does). */
  step(chunk: Int16Array): Promise<number>;
}

export interface Reference {
  stream(): ReferenceStream;
}

export async function loadReference(headFile: string): Promise<Reference> {
  const mel = await ort.InferenceSession.create(path.join(MODELS, 'melspectrogram.onnx'), opts);
  const emb = await ort.InferenceSession.create(path.join(MODELS, 'embedding_model.onnx'), opts);
  const head = await ort.InferenceSession.create(path.join(MODELS, headFile), opts);
  const headMeta = head.inputMetadata[0];
  const n = headMeta && headMeta.isTensor ? (headMeta.shape[1] as number) : 16;

  const melOf = async (x: Float32Array): Promise<number[][]> => {
    const out = (await mel.run({ input: new ort.Tensor('float32', x, [1, x.length]) })).output as ort.Tensor;
    const d = out.data as Float32Array;
    const frames: number[][] = [];
    for (let i = 0; i < d.length; i += 32) frames.push(Array.from(d.subarray(i, i + 32), (v) => v / 10 + 2));
    return frames;
  };
  const embOf = async (windows: number[][][]): Promise<Float32Array[]> => {
    const flat = new Float32Array(windows.flat(2));
    const out = (await emb.run({ input_1: new ort.Tensor('float32', flat, [windows.length, 76, 32, 1]) })).conv2d_19 as ort.Tensor;
    const d = out.data as Float32Array;
    return windows.map((_, i) => d.slice(i * 96, (i + 1) * 96));
  };

  // utils.py primes its embeddings from 4 s of np.random.randint(-1000, 1000); here the same seeded mulberry32
  // noise Jett uses, so both start from identical buffers and any difference is the pipeline's.
  let a = 1;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const noise = new Float32Array(64_000).map(() => Math.floor(rnd() * 2000) - 1000);
  const noiseMel = await melOf(noise);
  const windows: number[][][] = [];
  for (let i = 0; i + 76 <= noiseMel.length; i += 8) windows.push(noiseMel.slice(i, i + 76));
  const priming = await embOf(windows);

  return {
    stream(): ReferenceStream {
      // Flat typed buffers, shifted in place: the leanest plain code, so the ratio shows what Jett adds.
      let held = 0;
      const raw = new Float32Array(1280 + 480);
      const melBuf = new Float32Array(76 * 32).fill(1);
      const feats = new Float32Array(n * 96);
      priming.slice(-n).forEach((f, i) => feats.set(f, i * 96));
      let predictions = 0;
      return {
        async step(chunk) {
          raw.copyWithin(0, 1280);
          for (let i = 0; i < 1280; i++) raw[480 + i] = chunk[i] as number;
          // The first chunk has no 480 samples before it: utils.py then gives the mel model the chunk alone.
          const input = held === 0 ? raw.slice(480) : raw;
          held = 1;
          const m = (await mel.run({ input: new ort.Tensor('float32', input, [1, input.length]) })).output as ort.Tensor;
          const d = m.data as Float32Array;
          melBuf.copyWithin(0, d.length);
          for (let i = 0; i < d.length; i++) melBuf[76 * 32 - d.length + i] = (d[i] as number) / 10 + 2;
          const e = (await emb.run({ input_1: new ort.Tensor('float32', melBuf, [1, 76, 32, 1]) })).conv2d_19 as ort.Tensor;
          feats.copyWithin(0, 96);
          feats.set(e.data as Float32Array, (n - 1) * 96);
          const out = await head.run({ [head.inputNames[0] as string]: new ort.Tensor('float32', feats, [1, n, 96]) });
          const score = (out[head.outputNames[0] as string] as ort.Tensor).data[0] as number;
          predictions += 1;
          return predictions <= 5 ? 0 : score;
        },
      };
    },
  };
}
