// What onnxruntime-node offers on this machine: its backends and the native folder the opt-in CUDA files go to.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OrtEnvironment } from './execution-provider.js';

const require = createRequire(import.meta.url);

export async function loadOrtEnvironment(): Promise<OrtEnvironment> {
  const ort = (await import('onnxruntime-node')) as unknown as { listSupportedBackends?: () => { name: string; bundled: boolean }[] };
  const backends = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  const pkgDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return { platform: process.platform, arch: process.arch, backends, libDir: path.join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch) };
}
