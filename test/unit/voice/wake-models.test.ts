// The wake-word models are checked against their pinned sha256 at every load: a missing, truncated or swapped
// file gives an error that names the file and what to do, and onnxruntime never sees it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WAKE_WORDS } from '../../../main/core/contracts/wake.js';
import { createWakeDetector } from '../../../main/core/voice/wake/detector.js';
import { defaultWakeModelsDir, readVerifiedModel, WAKE_MODEL_FILES, WakeModelError } from '../../../main/core/voice/wake/models.js';
import { tempDir } from '../../helpers/tmp.js';

function copyOfModels(): string {
  const dir = tempDir('jett-wake-models-');
  for (const { file } of Object.values(WAKE_MODEL_FILES)) fs.copyFileSync(path.join(defaultWakeModelsDir(), file), path.join(dir, file));
  return dir;
}

async function refusal(dir: string): Promise<WakeModelError> {
  const err = await createWakeDetector({ word: 'hey_jarvis', modelsDir: dir }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WakeModelError);
  return err as WakeModelError;
}

describe('wake-word models', () => {
  it('ships every model it names, each matching its pinned sha256, and a head for every wake word', () => {
    for (const name of Object.keys(WAKE_MODEL_FILES) as (keyof typeof WAKE_MODEL_FILES)[]) {
      expect(readVerifiedModel(defaultWakeModelsDir(), name).byteLength).toBeGreaterThan(100_000);
    }
    for (const word of WAKE_WORDS) expect(WAKE_MODEL_FILES[word].file).toMatch(/\.onnx$/);
    const licence = fs.readFileSync(path.join(defaultWakeModelsDir(), 'LICENSE'), 'utf8');
    expect(licence).toContain('Attribution-NonCommercial-ShareAlike 4.0');
    for (const { file, sha256 } of Object.values(WAKE_MODEL_FILES)) expect(licence).toMatch(new RegExp(`${file.replace('.', '\\.')}\\s+sha256 ${sha256}`));
  });

  it('refuses a missing model, naming the file and the fix', async () => {
    const dir = copyOfModels();
    fs.rmSync(path.join(dir, 'embedding_model.onnx'));
    const err = await refusal(dir);
    expect(err.message).toBe(`the wake-word model embedding_model.onnx is missing at ${path.join(dir, 'embedding_model.onnx')}`);
    expect(err.fix).toMatch(/reinstall Jett .*resources\/models\/openwakeword.*voice\.wakeWord to none/);
  });

  it('refuses a truncated model before onnxruntime reads it', async () => {
    const dir = copyOfModels();
    const file = path.join(dir, 'hey_jarvis_v0.1.onnx');
    fs.truncateSync(file, 5000);
    const err = await refusal(dir);
    expect(err.message).toMatch(/^the wake-word model .*hey_jarvis_v0\.1\.onnx is corrupt: its sha256 is [0-9a-f]{64}, expected 94a13cfe/);
  });

  it('refuses a valid model of the wrong kind put in place of another (one flipped byte, too)', async () => {
    const dir = copyOfModels();
    fs.copyFileSync(path.join(dir, 'alexa_v0.1.onnx'), path.join(dir, 'hey_jarvis_v0.1.onnx'));
    expect((await refusal(dir)).message).toMatch(/hey_jarvis_v0\.1\.onnx is corrupt/);
    const mel = path.join(dir, 'melspectrogram.onnx');
    const bytes = fs.readFileSync(mel);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 1;
    fs.writeFileSync(mel, bytes);
    expect((await refusal(dir)).message).toMatch(/melspectrogram\.onnx is corrupt/);
  });

  it('refuses an unreadable models folder with the same clear error', async () => {
    const err = await refusal(path.join(tempDir('jett-wake-none-'), 'absent'));
    expect(err.message).toMatch(/melspectrogram\.onnx is missing at/);
  });
});
