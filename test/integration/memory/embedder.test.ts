// The embedding engine through the real transformers.js feature-extraction pipeline and onnxruntime-node, on
// minilm-standin (all-MiniLM-L6-v2's architecture and shapes, its own weights; test/helpers/minilm-standin.ts):
// loading through the catalogue, 384-dimensional unit vectors, meaning kept close, and a missing, incomplete or
// corrupt model as a clear error (voice then answers without memory: test/integration/memory/recall.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import type { Catalogue } from '../../../main/core/contracts/models.js';
import { embedderName, ENGLISH_EMBEDDER, loadEmbedder, MULTILINGUAL_EMBEDDER } from '../../../main/core/memory/embedder.js';
import { EngineError } from '../../../main/core/voice/errors.js';
import { loadCatalogue } from '../../../main/core/voice/models/catalogue.js';
import { miniLmModelsDir, STANDIN_NAME, standInEntry } from '../../helpers/minilm-standin.js';
import { tempDir } from '../../helpers/tmp.js';

const catalogue: Catalogue = { version: 1, models: [standInEntry] };
const config = ConfigSchema.parse({ models: { embed: STANDIN_NAME, executionProvider: 'cpu' } });
const deps = { catalogue: () => catalogue, ort: async () => ({ platform: process.platform, arch: process.arch, backends: [{ name: 'cpu', bundled: true }], libDir: null }), announce: () => undefined };
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

function copyStandIn(): string {
  const dir = tempDir();
  fs.cpSync(path.join(miniLmModelsDir(), STANDIN_NAME), path.join(dir, STANDIN_NAME), { recursive: true });
  return dir;
}

describe('the memory embedder (minilm-standin)', () => {
  it('loads through the catalogue and gives 384-dimensional unit vectors that keep related sentences closer', async () => {
    const embedder = await loadEmbedder(config, miniLmModelsDir(), deps);
    expect(embedder?.name).toBe('minilm-standin (cpu)');
    const plumber = await embedder!.embed('The plumber comes on Tuesday.');
    const question = await embedder!.embed('When does the plumber come?');
    const other = await embedder!.embed('I like green apples.');
    expect(plumber.length).toBe(384);
    expect(Math.abs(dot(plumber, plumber) - 1)).toBeLessThan(1e-4);
    expect(dot(plumber, question)).toBeGreaterThan(dot(plumber, other));
  });

  it('is not loaded (null) while its model is not downloaded', async () => {
    expect(await loadEmbedder(config, tempDir(), deps)).toBeNull();
  });

  it('a model with a file missing is an EngineError that says how to get it again', async () => {
    const dir = copyStandIn();
    fs.rmSync(path.join(dir, STANDIN_NAME, 'onnx', 'model.onnx'));
    const err = await loadEmbedder(config, dir, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toMatch(/minilm-standin in .* is incomplete: missing onnx\/model\.onnx/);
    expect((err as EngineError).fix).toContain('jett models pull minilm-standin --force');
  });

  it('a corrupt model file is an EngineError naming the model and the command that checks it', async () => {
    const dir = copyStandIn();
    const file = path.join(dir, STANDIN_NAME, 'onnx', 'model.onnx');
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 100_000));
    const err = await loadEmbedder(config, dir, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toMatch(/^cannot load minilm-standin: /);
    expect((err as EngineError).fix).toContain('jett models verify minilm-standin');
  });

  it('a speech model named as the embedder is refused with the keys to set', async () => {
    const err = await loadEmbedder(ConfigSchema.parse({ models: { embed: 'whisper-base' } }), tempDir(), { ...deps, catalogue: () => loadCatalogue() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).fix).toContain(ENGLISH_EMBEDDER);
  });

  it('picks the English model for English and the multilingual one for another spoken language; the catalogue has both', () => {
    expect(embedderName(ConfigSchema.parse({}))).toBe(ENGLISH_EMBEDDER);
    expect(embedderName(ConfigSchema.parse({ models: { sttLanguage: 'german' } }))).toBe(MULTILINGUAL_EMBEDDER);
    const real = loadCatalogue();
    expect(real.models.filter((m) => m.task === 'embed').map((m) => [m.name, m.languages])).toEqual([
      [ENGLISH_EMBEDDER, 'en'],
      [MULTILINGUAL_EMBEDDER, 'multi'],
    ]);
  });
});
