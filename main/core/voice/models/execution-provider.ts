// Which onnxruntime execution provider the model engines use: DirectML on Windows, CUDA on Linux x64 when its
// provider library was installed, else the CPU - and the reason, so a GPU engine never runs on the CPU silently.
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionProvider, ExecutionProviderChoice } from '../../contracts/models.js';
import { ModelError } from './errors.js';

export type ExecutionProviderSetting = ExecutionProviderChoice['requested'];

/** What onnxruntime-node offers on this machine (from `listSupportedBackends()` and its bin folder). */
export interface OrtEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  backends: { name: string; bundled: boolean }[];
  /** onnxruntime-node's native folder, where the opt-in CUDA files land. */
  libDir: string | null;
  fileExists?: (file: string) => boolean;
}

/** The opt-in command that fetches onnxruntime-node's CUDA provider files (Linux x64, NVIDIA GPU, network). */
export const CUDA_INSTALL_COMMAND = 'npm run models:cuda';

const CUDA_LIB = 'libonnxruntime_providers_cuda.so';

export function cudaInstalled(env: OrtEnvironment): boolean {
  const exists = env.fileExists ?? fs.existsSync;
  return env.backends.some((b) => b.name === 'cuda') && !!env.libDir && exists(path.join(env.libDir, CUDA_LIB));
}

function available(env: OrtEnvironment, ep: ExecutionProvider): { ok: boolean; why: string } {
  switch (ep) {
    case 'cpu':
      return { ok: true, why: '' };
    case 'dml':
      if (env.platform !== 'win32') return { ok: false, why: 'DirectML exists only on Windows' };
      return env.backends.some((b) => b.name === 'dml') ? { ok: true, why: '' } : { ok: false, why: 'this onnxruntime-node build has no DirectML' };
    case 'cuda':
      if (env.platform !== 'linux' || env.arch !== 'x64') return { ok: false, why: 'onnxruntime-node ships CUDA for Linux x64 only' };
      return cudaInstalled(env) ? { ok: true, why: '' } : { ok: false, why: `the CUDA provider files are not installed (${CUDA_LIB} missing; opt in with \`${CUDA_INSTALL_COMMAND}\`)` };
  }
}

/** The GPU provider `auto` aims for on this platform, or null where Jett knows none. */
export function preferredGpu(env: OrtEnvironment): ExecutionProvider | null {
  if (env.platform === 'win32') return 'dml';
  if (env.platform === 'linux' && env.arch === 'x64') return 'cuda';
  return null;
}

/**
 * `auto` picks the platform's GPU provider and falls back to the CPU with the reason; an explicit setting that
 * cannot be met is an error, because the user asked for exactly that.
 */
export function chooseExecutionProvider(engine: string, requested: ExecutionProviderSetting, env: OrtEnvironment): ExecutionProviderChoice {
  if (requested === 'cpu') return { engine, requested, ep: 'cpu', fallback: false, reason: 'models.executionProvider is cpu' };
  if (requested !== 'auto') {
    const a = available(env, requested);
    if (!a.ok) throw new ModelError(`models.executionProvider is ${requested}, but ${a.why}`, requested === 'cuda' ? `run \`${CUDA_INSTALL_COMMAND}\` (needs an NVIDIA GPU, its driver and a network), or set models.executionProvider to auto` : 'set models.executionProvider to auto');
    return { engine, requested, ep: requested, fallback: false, reason: `models.executionProvider is ${requested}` };
  }
  const gpu = preferredGpu(env);
  if (!gpu) return { engine, requested, ep: 'cpu', fallback: true, reason: `no GPU execution provider for ${env.platform}/${env.arch} in onnxruntime-node: running on the CPU` };
  const a = available(env, gpu);
  if (a.ok) return { engine, requested, ep: gpu, fallback: false, reason: `${gpu} is available` };
  return { engine, requested, ep: 'cpu', fallback: true, reason: `${a.why}: running on the CPU` };
}

/** A GPU session that failed to start under `auto` falls back to the CPU, saying why; otherwise the error stands. */
export function fallbackAfterFailure(choice: ExecutionProviderChoice, err: unknown): ExecutionProviderChoice | null {
  if (choice.requested !== 'auto' || choice.ep === 'cpu') return null;
  const first = String((err as Error).message ?? err).split('\n')[0]!.slice(0, 200);
  return { ...choice, ep: 'cpu', fallback: true, reason: `${choice.ep} failed to start (${first}): running on the CPU` };
}

/** One line for doctor, the log and the terminal. */
export function describeChoice(c: ExecutionProviderChoice): string {
  return `${c.engine} runs on ${c.ep}${c.fallback ? ' (CPU FALLBACK)' : ''}: ${c.reason}`;
}
