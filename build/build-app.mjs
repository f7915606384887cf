// Bundles the Electron main process into dist/app (native and Electron modules stay external).
import { build } from 'esbuild';

await build({
  entryPoints: { 'app/main': 'main/app/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['electron', 'better-sqlite3', 'onnxruntime-node', 'pg-native'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
