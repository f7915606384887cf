// The window's Models tab: the LLMs the local Ollama server holds and pulls (through core/ollama/server.ts, as
// `jett doctor` checks it), and the speech models of the catalogue (pulled by the core's ModelManager), with progress.
import type { ModelKind, ModelProgress, ModelsView } from '../core/contracts/ipc.js';
import { errorMessage } from '../core/errors.js';
import { ollamaStatus, pullOllamaModel } from '../core/ollama/server.js';
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
  list(): Array<{ name: string; task: 'stt' | 'tts' | 'embed'; bytes: number; state: 'not-installed' | 'installed' | 'partial' }>;
  pull(name: string, onProgress: (p: { file: string; receivedBytes: number; totalBytes: number | null; phase: string }) => void): Promise<unknown>;
}

/** The catalogue's speech models in `dir`, through the same ModelManager as `jett models`. */
export function catalogueModels(dir: string, hfEndpoint?: string): SpeechModels {
  const make = (onProgress?: ConstructorParameters<typeof ModelManager>[0]['onProgress']) =>
    new ModelManager({ dir, catalogue: loadCatalogue(), ...(hfEndpoint ? { baseUrl: hfEndpoint } : {}), ...(onProgress ? { onProgress } : {}) });
  const manager = make();
  return { dir: manager.dir, list: () => manager.list(), pull: (name, onProgress) => make(onProgress).pull(name) };
}

const message = (err: unknown) => errorMessage(err).slice(0, 300);

export function modelService(ollamaHost: () => string, speech: () => SpeechModels): ModelService {
  const listOllama = async (): Promise<Pick<ModelsView, 'models' | 'error'>> => {
    const status = await ollamaStatus({ host: ollamaHost() });
    return status.running ? { models: status.models, error: null } : { models: [], error: status.failure.message };
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
      try {
        await pullOllamaModel({ host: ollamaHost() }, name, (p) => step({ ...p, done: false, error: null }));
        step({ status: 'success', completedBytes: null, totalBytes: null, done: true, error: null });
      } catch (err) {
        step({ status: 'failed', completedBytes: null, totalBytes: null, done: true, error: message(err) });
      }
    },
  };
}
