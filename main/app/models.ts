// The window's Models tab: the models the local Ollama server holds, and pulls with progress, through Ollama's
// HTTP API (the `ollama` package) at the configured host.
import { Ollama } from 'ollama';
import type { ModelProgress, ModelsView } from '../core/contracts/ipc.js';

export interface ModelService {
  list(): Promise<ModelsView>;
  /** Pulls `name`, reporting progress; never rejects (failures arrive as a final progress with `error`). */
  pull(name: string, onProgress: (p: ModelProgress) => void): Promise<void>;
}

function reason(err: unknown, host: string): string {
  const text = err instanceof Error ? err.message : String(err);
  return /fetch failed|ECONNREFUSED|connect/i.test(text) ? `Ollama is not running at ${host}` : `Ollama at ${host}: ${text.slice(0, 200)}`;
}

export function ollamaModels(host: () => string): ModelService {
  return {
    async list() {
      const h = host();
      try {
        const res = await new Ollama({ host: h }).list();
        return { models: res.models.map((m) => ({ name: m.name, sizeBytes: m.size ?? null })), error: null };
      } catch (err) {
        return { models: [], error: reason(err, h) };
      }
    },
    async pull(name, onProgress) {
      const h = host();
      try {
        const stream = await new Ollama({ host: h }).pull({ model: name, stream: true });
        for await (const p of stream) {
          onProgress({ name, status: p.status, completedBytes: p.completed ?? null, totalBytes: p.total ?? null, done: false, error: null });
        }
        onProgress({ name, status: 'success', completedBytes: null, totalBytes: null, done: true, error: null });
      } catch (err) {
        onProgress({ name, status: 'failed', completedBytes: null, totalBytes: null, done: true, error: reason(err, h) });
      }
    },
  };
}
