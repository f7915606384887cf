// The local Ollama server as every front end sees it: whether it answers, which models it holds, pulling one with
// progress, and the one judgement of a failed request ("not running", "model not pulled", or Ollama's own error).
import { Ollama } from 'ollama';
import { JettError } from '../errors.js';

export interface OllamaServer {
  host: string;
  fetch?: typeof fetch;
  /** Gives up on each request after this long (a status check must not hang on a host that swallows packets). */
  timeoutMs?: number;
}

export interface OllamaFailure {
  kind: 'not-running' | 'not-pulled' | 'failed';
  message: string;
  fix: string;
}

/** A request to Ollama that failed, judged: its kind says whether Ollama is down, lacks the model, or refused. */
export class OllamaError extends JettError {
  readonly kind: OllamaFailure['kind'];
  constructor(failure: OllamaFailure, options?: { cause?: unknown }) {
    super(failure.message, failure.fix, options);
    this.kind = failure.kind;
  }
}

export interface OllamaModelInfo {
  name: string;
  sizeBytes: number | null;
}

export type OllamaStatus = { running: true; models: OllamaModelInfo[] } | { running: false; failure: OllamaFailure };

export interface OllamaPullProgress {
  status: string;
  completedBytes: number | null;
  totalBytes: number | null;
}

export const OLLAMA_NOT_RUNNING_FIX = 'start Ollama (`ollama serve`, or the Ollama app), or set `jett config set ollama.host URL`';

export function pullCommand(model: string): string {
  return `ollama pull ${model}`;
}

/** What went wrong with a request to Ollama at `host`; `model` names the model it was for, if any. */
export function judgeOllamaFailure(err: unknown, host: string, model?: string): OllamaFailure {
  const e = (err ?? {}) as { name?: string; message?: string; status_code?: number; cause?: { code?: string } };
  const msg = e.message ?? String(err);
  if (model && (e.status_code === 404 || /model ['"]?.*['"]? not found|not found, try pulling/i.test(msg))) {
    return { kind: 'not-pulled', message: `model ${model} is not pulled in Ollama at ${host}`, fix: `run \`${pullCommand(model)}\`, or pick a pulled one with \`jett config set ollama.model NAME\`` };
  }
  // Nothing listens, no such host, no route, or no answer in time: to the user, Ollama is not running there.
  const code = e.cause?.code ?? '';
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/.test(code) || /fetch failed/i.test(msg) || e.name === 'TimeoutError') {
    return { kind: 'not-running', message: `Ollama is not running at ${host}`, fix: OLLAMA_NOT_RUNNING_FIX };
  }
  return { kind: 'failed', message: `Ollama at ${host} failed${model ? ` for model ${model}` : ''}: ${msg.slice(0, 200)}`, fix: 'check `ollama ps` and the Ollama log, then try again' };
}

function clientFor(server: OllamaServer): Ollama {
  const base = server.fetch ?? globalThis.fetch;
  const { timeoutMs } = server;
  const timed: typeof fetch = timeoutMs
    ? (input, init) => base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs) })
    : base;
  return new Ollama({ host: server.host, fetch: timed });
}

/** Whether Ollama answers at the host, and the models it holds (`GET /api/tags`); never throws. */
export async function ollamaStatus(server: OllamaServer): Promise<OllamaStatus> {
  try {
    const res = await clientFor(server).list();
    return { running: true, models: res.models.map((m) => ({ name: m.name, sizeBytes: m.size ?? null })) };
  } catch (err) {
    return { running: false, failure: judgeOllamaFailure(err, server.host) };
  }
}

/** Whether `model` is among `names`: Ollama lists an untagged name with its implicit `:latest`. */
export function holdsModel(names: string[], model: string): boolean {
  return names.includes(model) || names.includes(model.includes(':') ? model : `${model}:latest`);
}

/** Pulls `model` into Ollama, reporting each progress line; rejects with the judged failure. */
export async function pullOllamaModel(server: OllamaServer, model: string, onProgress: (p: OllamaPullProgress) => void): Promise<void> {
  try {
    const stream = await clientFor(server).pull({ model, stream: true });
    for await (const p of stream) onProgress({ status: p.status, completedBytes: p.completed ?? null, totalBytes: p.total ?? null });
  } catch (err) {
    throw new OllamaError(judgeOllamaFailure(err, server.host), { cause: err });
  }
}
