// Builds the Electron app into dist/: main (esbuild, ESM; native and Electron modules stay external), the sandboxed
// preload (esbuild, CommonJS: a sandboxed preload cannot load ES modules) and the renderer (Vite).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { makeAppIcon, makeTrayIcons } from './tray-icons.mjs';

// `npm start` sets JETT_ELECTRON_NATIVE to the folder of native modules built for Electron (electron-native.mjs):
// the bundle then imports better-sqlite3 from there, and node_modules keeps Node's build for `npm test`.
const nativeDir = process.env.JETT_ELECTRON_NATIVE;
const electronNative = {
  name: 'electron-native',
  setup(b) {
    if (!nativeDir) return;
    b.onResolve({ filter: /^better-sqlite3$/ }, () => ({
      path: pathToFileURL(path.join(path.resolve(nativeDir), 'node_modules', 'better-sqlite3', 'lib', 'index.js')).href,
      external: true,
    }));
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { 'app/main': 'main/app/main.ts' },
  outdir: 'dist',
  format: 'esm',
  external: ['electron', 'better-sqlite3', 'onnxruntime-node', 'pg-native'],
  plugins: [electronNative],
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
makeAppIcon('build/icon.png');
