// The real `ollama` client against a loopback fake of Ollama's documented HTTP API: streaming, warm-up with
// keep_alive, the errors a user can act on, and a cancel that closes the HTTP stream.
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/core/voice/errors.js';
import { OllamaLanguageModel } from '../../../main/core/voice/ollama.js';
import { startFakeOllama, type FakeOllama } from '../../helpers/fake-ollama.js';

let server: FakeOllama | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const t of it) out.push(t);
  return out;
}

async function failure(p: Promise<unknown>): Promise<EngineError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

describe('OllamaLanguageModel', () => {
  it('streams the reply token by token and sends the model, messages and keep_alive', async () => {
    server = await startFakeOllama({ models: ['llama3.2:3b'] });
    const llm = new OllamaLanguageModel({ host: server.url, model: 'llama3.2:3b', keepAlive: '30m' });
    const messages = [
      { role: 'system' as const, content: 'be brief' },
      { role: 'user' as const, content: 'lights on' },
    ];
    const tokens = await collect(llm.stream(messages, new AbortController().signal));
    expect(tokens.join('')).toBe('Sure, the lights in the kitchen are on now.');
    expect(tokens.length).toBeGreaterThan(5);
    expect(server.requests.at(-1)).toEqual({ path: '/api/chat', body: { model: 'llama3.2:3b', messages, stream: true, keep_alive: '30m' } });
  });

  it('warms the model up with an empty generate request and lists pulled models', async () => {
    server = await startFakeOllama({ models: ['llama3.2:3b', 'qwen2.5:7b'] });
    const llm = new OllamaLanguageModel({ host: server.url, model: 'llama3.2:3b', keepAlive: '1h' });
    await llm.warmUp();
    expect(server.requests[0]).toEqual({ path: '/api/generate', body: { model: 'llama3.2:3b', prompt: '', keep_alive: '1h', stream: false } });
    expect(await llm.pulledModels()).toEqual(['llama3.2:3b', 'qwen2.5:7b']);
  });

  it('says which model is not pulled and the command that pulls it', async () => {
    server = await startFakeOllama({ models: ['qwen2.5:7b'] });
    const llm = new OllamaLanguageModel({ host: server.url, model: 'llama3.2:3b', keepAlive: '30m' });
    const warm = await failure(llm.warmUp());
    expect(warm.message).toBe(`model llama3.2:3b is not pulled in Ollama at ${server.url}`);
    expect(warm.fix).toContain('ollama pull llama3.2:3b');
    const chat = await failure(collect(llm.stream([{ role: 'user', content: 'hi' }], new AbortController().signal)));
    expect(chat.fix).toContain('ollama pull llama3.2:3b');
  });

  it('says that Ollama is not running when nothing listens', async () => {
    server = await startFakeOllama({ models: [] });
    const url = server.url;
    await server.close();
    server = null;
    const llm = new OllamaLanguageModel({ host: url, model: 'llama3.2:3b', keepAlive: '30m' });
    const err = await failure(collect(llm.stream([{ role: 'user', content: 'hi' }], new AbortController().signal)));
    expect(err.message).toContain(`Ollama is not running at ${url}`);
    expect(err.fix).toContain('ollama serve');
  });

  it('turns an error in the middle of the stream into an engine error', async () => {
    server = await startFakeOllama({ models: ['llama3.2:3b'], failAfterTokens: 3 });
    const llm = new OllamaLanguageModel({ host: server.url, model: 'llama3.2:3b', keepAlive: '30m' });
    const err = await failure(collect(llm.stream([{ role: 'user', content: 'hi' }], new AbortController().signal)));
    expect(err.message).toContain('unexpected EOF');
  });

  it('a cancel stops the stream and closes the HTTP request, so Ollama stops generating', async () => {
    server = await startFakeOllama({ models: ['llama3.2:3b'], tokenDelayMs: 20, reply: () => Array.from({ length: 200 }, (_, i) => ` w${i}`) });
    const llm = new OllamaLanguageModel({ host: server.url, model: 'llama3.2:3b', keepAlive: '30m' });
    const ctl = new AbortController();
    const got: string[] = [];
    for await (const t of llm.stream([{ role: 'user', content: 'count' }], ctl.signal)) {
      got.push(t);
      if (got.length === 3) ctl.abort();
    }
    expect(got).toHaveLength(3);
    for (let i = 0; i < 50 && server.abortedStreams === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.abortedStreams).toBe(1);
    expect(server.completedStreams).toBe(0);
  });
});
