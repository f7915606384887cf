// The Models tab's service against the loopback fake of Ollama's documented wire format: GET /api/tags, and POST
// /api/pull streaming NDJSON progress ({"status","digest","total","completed"}, then "success", or an {"error"}
// line); and Ollama not running at all.
import { afterEach, describe, expect, it } from 'vitest';
import { catalogueModels, modelService, type SpeechModels } from '../../../main/app/models.js';
import type { ModelProgress } from '../../../main/core/contracts/ipc.js';
import { startFakeOllama, type FakeOllama } from '../../helpers/fake-ollama.js';
import { tempDir } from '../../helpers/tmp.js';

const servers: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function pullServer(): Promise<string> {
  const fake = await startFakeOllama({ models: [], pullable: ['phi4-mini'] });
  servers.push(fake);
  return fake.url;
}

const noSpeech = (): SpeechModels => ({ dir: '/m', list: () => [], pull: async () => undefined });
const ollamaModels = (host: () => string) => {
  const service = modelService(host, noSpeech);
  return { list: service.list, pull: (name: string, on: (p: ModelProgress) => void) => service.pull('ollama', name, on) };
};

describe('the Models tab, Ollama side', () => {
  it('lists what the server holds, with sizes', async () => {
    const fake: FakeOllama = await startFakeOllama({ models: ['llama3.2:3b'] });
    servers.push(fake);
    expect(await ollamaModels(() => fake.url).list()).toMatchObject({ models: [{ name: 'llama3.2:3b', sizeBytes: 2019393189 }], error: null });
  });

  it('says Ollama is not running, instead of failing', async () => {
    const view = await ollamaModels(() => 'http://127.0.0.1:9').list();
    expect(view).toMatchObject({ models: [], error: 'Ollama is not running at http://127.0.0.1:9' });
  });

  it('reports pull progress, then done', async () => {
    const url = await pullServer();
    const seen: ModelProgress[] = [];
    await ollamaModels(() => url).pull('phi4-mini', (p) => seen.push(p));
    expect(seen.find((p) => p.completedBytes === 1_000_000_000)).toMatchObject({ name: 'phi4-mini', totalBytes: 2_500_000_000, done: false });
    expect(seen.at(-1)).toMatchObject({ name: 'phi4-mini', done: true, error: null });
  });

  it('ends a failed pull with its error, never a rejection', async () => {
    const url = await pullServer();
    const seen: ModelProgress[] = [];
    await ollamaModels(() => url).pull('no-such-model', (p) => seen.push(p));
    expect(seen.at(-1)).toMatchObject({ done: true, status: 'failed', error: expect.stringContaining('file does not exist') });
  });
});

describe('the Models tab, speech side', () => {
  it('lists the catalogue\'s speech models in the models folder (the real ModelManager)', async () => {
    const dir = tempDir('jett-models-');
    const view = await modelService(() => 'http://127.0.0.1:9', () => catalogueModels(dir)).list();
    expect(view.speech.dir).toBe(dir);
    expect(view.speech.models.length).toBeGreaterThan(0);
    expect(view.speech.models.every((m) => m.state === 'not-installed')).toBe(true);
    expect(view.speech.models.map((m) => m.task)).toEqual(expect.arrayContaining(['stt', 'tts']));
  });

  it('reports a speech pull\'s progress, and its failure as a last step', async () => {
    const speech: SpeechModels = {
      dir: '/m',
      list: () => [],
      pull: async (name, on) => {
        on({ file: 'onnx/model.onnx', receivedBytes: 10, totalBytes: 40, phase: 'download' });
        if (name === 'broken') throw new Error('checksum of onnx/model.onnx does not match the catalogue');
      },
    };
    const seen: ModelProgress[] = [];
    await modelService(() => '', () => speech).pull('speech', 'kokoro-82m', (p) => seen.push(p));
    expect(seen).toEqual([
      { kind: 'speech', name: 'kokoro-82m', status: 'download onnx/model.onnx', completedBytes: 10, totalBytes: 40, done: false, error: null },
      { kind: 'speech', name: 'kokoro-82m', status: 'success', completedBytes: null, totalBytes: null, done: true, error: null },
    ]);
    const failed: ModelProgress[] = [];
    await modelService(() => '', () => speech).pull('speech', 'broken', (p) => failed.push(p));
    expect(failed.at(-1)).toMatchObject({ done: true, error: 'checksum of onnx/model.onnx does not match the catalogue' });
  });
});
