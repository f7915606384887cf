// Execution-provider choice: DirectML on Windows, CUDA on Linux x64 only with its provider files, else the CPU -
// and every CPU fallback carries its reason and reaches the log, the bus and the status snapshot.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionProviderChoice } from '../../../main/core/contracts/models.js';
import { StatusSnapshotSchema } from '../../../main/core/contracts/status.js';
import { EngineError } from '../../../main/core/voice/errors.js';
import { ModelError } from '../../../main/core/voice/models/errors.js';
import { chooseExecutionProvider, CUDA_INSTALL_COMMAND, describeChoice, fallbackAfterFailure, type OrtEnvironment } from '../../../main/core/voice/models/execution-provider.js';
import { loadOnProvider } from '../../../main/core/voice/models/load.js';
import { loadOrtEnvironment } from '../../../main/core/voice/models/ort-environment.js';
import { ModelsStatusTracker } from '../../../main/core/voice/models/providers.js';
import { tempDir } from '../../helpers/tmp.js';

const cpuOnly = [{ name: 'cpu', bundled: true }];
const linuxBackends = [...cpuOnly, { name: 'cuda', bundled: false }];

function linux(withCudaFiles: boolean): OrtEnvironment {
  const libDir = tempDir();
  if (withCudaFiles) fs.writeFileSync(path.join(libDir, 'libonnxruntime_providers_cuda.so'), '');
  return { platform: 'linux', arch: 'x64', backends: linuxBackends, libDir };
}

describe('chooseExecutionProvider', () => {
  it('picks DirectML on Windows when the build has it', () => {
    const env: OrtEnvironment = { platform: 'win32', arch: 'x64', backends: [...cpuOnly, { name: 'dml', bundled: true }], libDir: null };
    expect(chooseExecutionProvider('whisper-base', 'auto', env)).toMatchObject({ ep: 'dml', fallback: false });
  });

  it('picks CUDA on Linux x64 only when the CUDA provider library was installed', () => {
    expect(chooseExecutionProvider('whisper-base', 'auto', linux(true))).toMatchObject({ ep: 'cuda', fallback: false });
    const fallback = chooseExecutionProvider('whisper-base', 'auto', linux(false));
    expect(fallback).toMatchObject({ ep: 'cpu', fallback: true });
    expect(fallback.reason).toContain(CUDA_INSTALL_COMMAND);
    expect(describeChoice(fallback)).toMatch(/^whisper-base runs on cpu \(CPU FALLBACK\): .*libonnxruntime_providers_cuda\.so missing/);
  });

  it('falls back to the CPU, saying so, where Jett knows no GPU provider', () => {
    const mac: OrtEnvironment = { platform: 'darwin', arch: 'arm64', backends: cpuOnly, libDir: null };
    expect(chooseExecutionProvider('kokoro-82m', 'auto', mac)).toMatchObject({ ep: 'cpu', fallback: true, reason: expect.stringContaining('darwin/arm64') });
    const winNoDml: OrtEnvironment = { platform: 'win32', arch: 'x64', backends: cpuOnly, libDir: null };
    expect(chooseExecutionProvider('kokoro-82m', 'auto', winNoDml)).toMatchObject({ ep: 'cpu', fallback: true, reason: expect.stringContaining('no DirectML') });
  });

  it('runs on the CPU without calling it a fallback when the user asked for the CPU', () => {
    expect(chooseExecutionProvider('whisper-base', 'cpu', linux(true))).toMatchObject({ ep: 'cpu', fallback: false, requested: 'cpu' });
  });

  it('refuses an explicit provider that cannot run here, with the command that fixes it', () => {
    expect(() => chooseExecutionProvider('whisper-base', 'cuda', linux(false))).toThrow(ModelError);
    try {
      chooseExecutionProvider('whisper-base', 'cuda', linux(false));
    } catch (err) {
      expect((err as ModelError).fix).toContain(CUDA_INSTALL_COMMAND);
    }
    expect(() => chooseExecutionProvider('whisper-base', 'dml', linux(true))).toThrow(/only on Windows/);
  });

  it('matches what onnxruntime-node on this machine offers', async () => {
    const env = await loadOrtEnvironment();
    expect(env.backends.map((b) => b.name)).toContain('cpu');
    const choice = chooseExecutionProvider('whisper-base', 'auto', env);
    const cudaFiles = !!env.libDir && fs.existsSync(path.join(env.libDir, 'libonnxruntime_providers_cuda.so'));
    if (process.platform === 'linux' && process.arch === 'x64') expect(choice.ep).toBe(cudaFiles ? 'cuda' : 'cpu');
    expect(choice.fallback).toBe(choice.ep === 'cpu');
  });
});

describe('a GPU session that fails to start', () => {
  const gpu: ExecutionProviderChoice = { engine: 'whisper-base', requested: 'auto', ep: 'cuda', fallback: false, reason: 'cuda is available' };

  it('falls back to the CPU under auto, announcing the fallback with the error', async () => {
    const announced: ExecutionProviderChoice[] = [];
    const tried: string[] = [];
    const { engine, choice } = await loadOnProvider('whisper-base', gpu, (c) => announced.push(c), async (ep) => {
      tried.push(ep);
      if (ep === 'cuda') throw new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\nmore');
      return `engine on ${ep}`;
    });
    expect(tried).toEqual(['cuda', 'cpu']);
    expect(engine).toBe('engine on cpu');
    expect(choice).toMatchObject({ ep: 'cpu', fallback: true, reason: expect.stringContaining('cuda failed to start (OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library)') });
    expect(announced).toEqual([choice]);
  });

  it('is an error when the user asked for that provider explicitly', async () => {
    expect(fallbackAfterFailure({ ...gpu, requested: 'cuda' }, new Error('boom'))).toBeNull();
    await expect(loadOnProvider('whisper-base', { ...gpu, requested: 'cuda' }, () => undefined, async () => Promise.reject(new Error('no driver')))).rejects.toThrow(EngineError);
  });

  it('reports a model that fails on the CPU too as a load error naming the check to run', async () => {
    const err = await loadOnProvider('whisper-base', gpu, () => undefined, async () => Promise.reject(new Error('Protobuf parsing failed.'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toBe('cannot load whisper-base: Protobuf parsing failed.');
    expect((err as EngineError).fix).toContain('jett models verify whisper-base');
  });
});

describe('the status snapshot', () => {
  it('carries the latest choice of each engine', () => {
    const tracker = new ModelsStatusTracker();
    expect(tracker.snapshot()).toEqual({ stt: null, tts: null });
    const choice: ExecutionProviderChoice = { engine: 'kokoro-82m', requested: 'auto', ep: 'cpu', fallback: true, reason: 'x' };
    tracker.record('tts', choice);
    // The snapshot's `models` part is this tracker's output.
    const models = StatusSnapshotSchema.shape.models.parse(tracker.snapshot());
    expect(models?.tts).toEqual(choice);
  });
});
