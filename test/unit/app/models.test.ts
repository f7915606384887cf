// The Models tab's service against a loopback server that speaks Ollama's documented wire format: GET /api/tags,
// and POST /api/pull streaming NDJSON progress ({"status","digest","total","completed"}, then "success", or an
// {"error"} line); and Ollama not running at all.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      // Ollama's API names the model `model`; older clients (ollama-js included) still send `name`.
      const body = JSON.parse(raw || '{}') as { model?: string; name?: string; stream?: boolean };
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      if ((body.model ?? body.name) !== 'phi4-mini') {
        res.end(`${JSON.stringify({ status: 'pulling manifest' })}\n${JSON.stringify({ error: 'pull model manifest: file does not exist' })}\n`);
        return;
      }
      const digest = 'sha256:3b8f1f2e5a';
      const lines = [
        { status: 'pulling manifest' },
        { status: `pulling ${digest.slice(7, 19)}`, digest, total: 2_500_000_000 },
        { status: `pulling ${digest.slice(7, 19)}`, digest, total: 2_500_000_000, completed: 1_000_000_000 },
        { status: `pulling ${digest.slice(7, 19)}`, digest, total: 2_500_000_000, completed: 2_500_000_000 },
        { status: 'verifying sha256 digest' },
        { status: 'writing manifest' },
        { status: 'success' },
      ];
      res.end(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push({ close: () => new Promise((r) => server.close(r)) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
