// The LLM engine: Ollama through its npm client, streaming chat with keep_alive, a warm-up that loads the model,
// and errors that say whether Ollama is down or the model is not pulled.
import { Ollama, type AbortableAsyncIterator, type ChatResponse } from 'ollama';
import { judgeOllamaFailure } from '../ollama/server.js';
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
    const failure = judgeOllamaFailure(err, this.opts.host, this.opts.model);
    return new EngineError(failure.message, failure.fix, { cause: err });
  }
}
