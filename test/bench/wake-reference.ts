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
      let raw: number[] = [];
      let melBuf: number[][] = Array.from({ length: 76 }, () => new Array<number>(32).fill(1));
      let feats: Float32Array[] = priming.slice(-n);
      let predictions = 0;
      return {
        async step(chunk) {
          raw = raw.concat(Array.from(chunk)).slice(-(1280 + 480));
          // utils.py keeps 10 s of mel frames and 120 embeddings; only the last 76 and the last n are ever read.
          melBuf = melBuf.concat(await melOf(new Float32Array(raw))).slice(-76);
          const [e] = await embOf([melBuf.slice(-76)]);
          feats = feats.concat(e as Float32Array).slice(-n);
          const x = new Float32Array(n * 96);
          feats.slice(-n).forEach((f, i) => x.set(f, i * 96));
          const out = await head.run({ [head.inputNames[0] as string]: new ort.Tensor('float32', x, [1, n, 96]) });
          const score = (out[head.outputNames[0] as string] as ort.Tensor).data[0] as number;
          predictions += 1;
          return predictions <= 5 ? 0 : score;
        },
      };
    },
  };
}
