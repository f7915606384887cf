// The one Ollama status and pull that `jett doctor`, `jett ollama`, the Models tab and the LLM engine share, against
// the loopback fake of Ollama's wire format, nothing listening, a server that never answers, and Ollama's errors.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { holdsModel, judgeOllamaFailure, ollamaStatus, OllamaError, pullOllamaModel } from '../../../main/core/ollama/server.js';
import { startFakeOllama } from '../../helpers/fake-ollama.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('ollamaStatus', () => {
  it('lists the models a running Ollama holds, with sizes', async () => {
    const fake = await startFakeOllama({ models: ['llama3.2:3b'] });
    closers.push(() => fake.close());
    expect(await ollamaStatus({ host: fake.url })).toEqual({ running: true, models: [{ name: 'llama3.2:3b', sizeBytes: 2019393189 }] });
  });

  it('says "not running" with the fix when nothing listens', async () => {
    const status = await ollamaStatus({ host: 'http://127.0.0.1:9' });
    expect(status).toEqual({ running: false, failure: { kind: 'not-running', message: 'Ollama is not running at http://127.0.0.1:9', fix: expect.stringContaining('ollama serve') } });
  });

  it('gives up on a host that accepts but never answers, and calls it not running', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => void held.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    closers.push(() => {
      for (const s of held) s.destroy();
      return new Promise((r) => silent.close(r));
    });
    const host = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const status = await ollamaStatus({ host, timeoutMs: 200 });
    expect(status).toMatchObject({ running: false, failure: { kind: 'not-running', message: `Ollama is not running at ${host}` } });
  });
});

describe('holdsModel', () => {
  it('matches an untagged name to its implicit :latest, and nothing else', () => {
    expect(holdsModel(['llama3.2:latest'], 'llama3.2')).toBe(true);
    expect(holdsModel(['llama3.2:3b'], 'llama3.2:3b')).toBe(true);
    expect(holdsModel(['llama3.2:3b'], 'llama3.2')).toBe(false);
  });
});

describe('judgeOllamaFailure', () => {
  it('tells a model that is not pulled from Ollama being down, and says what to run', () => {
    const notPulled = judgeOllamaFailure(Object.assign(new Error('model "qwen2.5:7b" not found, try pulling it first'), { status_code: 404 }), 'http://h:11434', 'qwen2.5:7b');
    expect(notPulled).toMatchObject({ kind: 'not-pulled', message: 'model qwen2.5:7b is not pulled in Ollama at http://h:11434', fix: expect.stringContaining('ollama pull qwen2.5:7b') });
    const down = judgeOllamaFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), 'http://h:11434', 'qwen2.5:7b');
    expect(down.kind).toBe('not-running');
    expect(judgeOllamaFailure(new Error('out of memory'), 'http://h:11434')).toMatchObject({ kind: 'failed', message: 'Ollama at http://h:11434 failed: out of memory' });
  });
});

describe('pullOllamaModel', () => {
  it('rejects with a judged OllamaError when Ollama is not running', async () => {
    const err = await pullOllamaModel({ host: 'http://127.0.0.1:9' }, 'phi4-mini', () => undefined).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(OllamaError);
    expect(err).toMatchObject({ kind: 'not-running', message: 'Ollama is not running at http://127.0.0.1:9' });
  });
});
