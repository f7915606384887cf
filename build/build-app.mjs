// Builds the Electron app into dist/: main (esbuild, ESM; native and Electron modules stay external), the sandboxed
// preload (esbuild, CommonJS: a sandboxed preload cannot load ES modules) and the renderer (Vite).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { makeTrayIcons } from './tray-icons.mjs';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { 'app/main': 'main/app/main.ts' },
  outdir: 'dist',
  format: 'esm',
  external: ['electron', 'better-sqlite3', 'onnxruntime-node', 'pg-native'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

await build({
  ...common,
  entryPoints: ['preload/index.ts'],
  outfile: 'dist/preload/index.cjs',
  format: 'cjs',
  external: ['electron'],
});

await viteBuild({ configFile: 'build/vite.renderer.mjs' });

makeTrayIcons('resources/tray');
