// The LLM engine: Ollama through its npm client, streaming chat with keep_alive, a warm-up that loads the model,
// and errors that say whether Ollama is down or the model is not pulled.
import { Ollama, type AbortableAsyncIterator, type ChatResponse } from 'ollama';
import type { ChatMessage, LanguageModel } from './engines.js';
import { EngineError } from './errors.js';

export interface OllamaOptions {
  host: string;
  model: string;
  keepAlive: string;
  fetch?: typeof fetch;
}

export class OllamaLanguageModel implements LanguageModel {
  readonly name: string;
  private readonly client: Ollama;

  constructor(private readonly opts: OllamaOptions) {
    this.name = `ollama ${opts.model}`;
    this.client = new Ollama({ host: opts.host, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  }

  /** Loads the model into memory (an empty prompt is Ollama's documented way), so the first turn is warm. */
  async warmUp(): Promise<void> {
    try {
      await this.client.generate({ model: this.opts.model, prompt: '', keep_alive: this.opts.keepAlive, stream: false });
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** Names of the models Ollama has pulled (`/api/tags`). */
  async pulledModels(): Promise<string[]> {
    try {
      const res = await this.client.list();
      return res.models.map((m) => m.name);
    } catch (err) {
      throw this.explain(err);
    }
  }

  async *stream(messages: ChatMessage[], signal: AbortSignal): AsyncIterable<string> {
    signal.throwIfAborted();
    let iterator: AbortableAsyncIterator<ChatResponse>;
    try {
      iterator = await this.client.chat({ model: this.opts.model, messages, stream: true, keep_alive: this.opts.keepAlive });
    } catch (err) {
      throw this.explain(err);
    }
    const onAbort = () => iterator.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const part of iterator) {
        if (signal.aborted) break;
        if (part.message.content) yield part.message.content;
      }
    } catch (err) {
      if (signal.aborted) return;
      throw this.explain(err);
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Leaving the loop early (a cancel) must close the HTTP stream, or Ollama keeps generating.
      if (signal.aborted) iterator.abort();
    }
  }

  private explain(err: unknown): EngineError {
    if (err instanceof EngineError) return err;
    const e = err as { name?: string; message?: string; status_code?: number; cause?: { code?: string } };
    const msg = e.message ?? String(err);
    const { model, host } = this.opts;
    if (e.status_code === 404 || /model ['"]?.*['"]? not found|not found, try pulling/i.test(msg)) {
      return new EngineError(`model ${model} is not pulled in Ollama at ${host}`, `run \`ollama pull ${model}\`, or pick a pulled one with \`jett config set ollama.model NAME\``, { cause: err });
    }
    const code = e.cause?.code ?? '';
    if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/.test(code) || /fetch failed/i.test(msg)) {
      return new EngineError(`Ollama is not running at ${host} (${code || msg})`, 'start Ollama (`ollama serve`, or the Ollama app), or set `jett config set ollama.host URL`', { cause: err });
    }
    return new EngineError(`Ollama failed for model ${model}: ${msg}`, 'check `ollama ps` and the Ollama log, then try again', { cause: err });
  }
}
