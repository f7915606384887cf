// The window's Models tab: the LLMs the local Ollama server holds (pulled through Ollama's HTTP API with the
// `ollama` package), and the speech models of the catalogue (pulled by the core's ModelManager), with progress.
import { Ollama } from 'ollama';
import type { ModelKind, ModelProgress, ModelsView } from '../core/contracts/ipc.js';
import { errorMessage } from '../core/errors.js';
import { loadCatalogue } from '../core/voice/models/catalogue.js';
import { ModelManager } from '../core/voice/models/manager.js';

export interface ModelService {
  list(): Promise<ModelsView>;
  /** Pulls `name`, reporting progress; never rejects (failures arrive as a final progress with `error`). */
  pull(kind: ModelKind, name: string, onProgress: (p: ModelProgress) => void): Promise<void>;
}

/** The part of the core's ModelManager the tab uses. */
export interface SpeechModels {
  readonly dir: string;
  list(): Array<{ name: string; task: 'stt' | 'tts'; bytes: number; state: 'not-installed' | 'installed' | 'partial' }>;
  pull(name: string, onProgress: (p: { file: string; receivedBytes: number; totalBytes: number | null; phase: string }) => void): Promise<unknown>;
}

/** The catalogue's speech models in `dir`, through the same ModelManager as `jett models`. */
export function catalogueModels(dir: string, hfEndpoint?: string): SpeechModels {
  const make = (onProgress?: ConstructorParameters<typeof ModelManager>[0]['onProgress']) =>
    new ModelManager({ dir, catalogue: loadCatalogue(), ...(hfEndpoint ? { baseUrl: hfEndpoint } : {}), ...(onProgress ? { onProgress } : {}) });
  const manager = make();
  return { dir: manager.dir, list: () => manager.list(), pull: (name, onProgress) => make(onProgress).pull(name) };
}

function reason(err: unknown, host: string): string {
  const text = errorMessage(err);
  return /fetch failed|ECONNREFUSED|connect/i.test(text) ? `Ollama is not running at ${host}` : `Ollama at ${host}: ${text.slice(0, 200)}`;
}

const message = (err: unknown) => errorMessage(err).slice(0, 300);

export function modelService(ollamaHost: () => string, speech: () => SpeechModels): ModelService {
  const listOllama = async (): Promise<Pick<ModelsView, 'models' | 'error'>> => {
    const h = ollamaHost();
    try {
      const res = await new Ollama({ host: h }).list();
      return { models: res.models.map((m) => ({ name: m.name, sizeBytes: m.size ?? null })), error: null };
    } catch (err) {
      return { models: [], error: reason(err, h) };
    }
  };
  const listSpeech = (): ModelsView['speech'] => {
    let dir = '';
    try {
      const m = speech();
      dir = m.dir;
      return { dir, models: m.list().map((e) => ({ name: e.name, task: e.task, sizeBytes: e.bytes || null, state: e.state })), error: null };
    } catch (err) {
      return { dir, models: [], error: message(err) };
    }
  };
  return {
    async list() {
      return { ...(await listOllama()), speech: listSpeech() };
    },
    async pull(kind, name, onProgress) {
      const step = (p: Omit<ModelProgress, 'kind' | 'name'>) => onProgress({ kind, name, ...p });
      if (kind === 'speech') {
        try {
          await speech().pull(name, (p) => step({ status: `${p.phase} ${p.file}`, completedBytes: p.receivedBytes, totalBytes: p.totalBytes, done: false, error: null }));
          step({ status: 'success', completedBytes: null, totalBytes: null, done: true, error: null });
        } catch (err) {
          step({ status: 'failed', completedBytes: null, totalBytes: null, done: true, error: message(err) });
        }
        return;
      }
      const h = ollamaHost();
      try {
        const stream = await new Ollama({ host: h }).pull({ model: name, stream: true });
        for await (const p of stream) step({ status: p.status, completedBytes: p.completed ?? null, totalBytes: p.total ?? null, done: false, error: null });
        step({ status: 'success', completedBytes: null, totalBytes: null, done: true, error: null });
      } catch (err) {
        step({ status: 'failed', completedBytes: null, totalBytes: null, done: true, error: reason(err, h) });
      }
    },
  };
}
