// Silero VAD v5 on onnxruntime-node: one speech probability per 32 ms frame (512 samples at 16 kHz).
import fs from 'node:fs';
import { resourcePath } from '../resources.js';
import * as ort from 'onnxruntime-node';
import { VoiceError } from './errors.js';

export const SAMPLE_RATE = 16_000;
export const FRAME_SAMPLES = 512;
/** Silero's own wrapper prepends the last 64 samples of the previous frame; without them it reacts later. */
export const CONTEXT_SAMPLES = 64;

/** The Silero model that ships in resources/models (with its licence). */
export const defaultVadModel = (): string => resourcePath('models/silero_vad_v5.onnx');

/** What the endpointer needs from a VAD: a probability per frame, and a reset between unrelated streams. */
export interface FrameClassifier {
  probability(frame: Float32Array): Promise<number>;
  reset(): void;
}

export class SileroVad implements FrameClassifier {
  private state: ort.Tensor;
  private readonly input = new Float32Array(CONTEXT_SAMPLES + FRAME_SAMPLES);
  private readonly inputTensor: ort.Tensor;
  private readonly sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []);

  private constructor(private readonly session: ort.InferenceSession) {
    this.state = SileroVad.zeroState();
    this.inputTensor = new ort.Tensor('float32', this.input, [1, this.input.length]);
  }

  static async load(modelPath = defaultVadModel()): Promise<SileroVad> {
    if (!fs.existsSync(modelPath)) {
      throw new VoiceError(`the Silero VAD model is missing at ${modelPath}`, 'reinstall Jett: the model ships in resources/models');
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: ['cpu'],
        // One frame is tiny: extra threads only add wake-up latency and steal cores from the other models.
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
      });
      return new SileroVad(session);
    } catch (err) {
      throw new VoiceError(`could not load the Silero VAD model ${modelPath}: ${(err as Error).message}`, 'run `jett doctor` to check onnxruntime', { cause: err });
    }
  }

  private static zeroState(): ort.Tensor {
    return new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  }

  async probability(frame: Float32Array): Promise<number> {
    if (frame.length !== FRAME_SAMPLES) throw new VoiceError(`a VAD frame must hold ${FRAME_SAMPLES} samples, got ${frame.length}`, 'this is a bug in Jett');
    this.input.copyWithin(0, FRAME_SAMPLES);
    this.input.set(frame, CONTEXT_SAMPLES);
    const out = await this.session.run({ input: this.inputTensor, state: this.state, sr: this.sr });
    this.state = out.stateN as ort.Tensor;
    return (out.output as ort.Tensor).data[0] as number;
  }

  reset(): void {
    this.state = SileroVad.zeroState();
    this.input.fill(0);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** S16LE samples to the [-1, 1) floats the model expects. */
export function toFloatFrame(pcm: Int16Array, out = new Float32Array(pcm.length)): Float32Array {
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] as number) / 32768;
  return out;
}
