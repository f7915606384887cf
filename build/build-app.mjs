// Builds the Electron app into dist/: main (esbuild, ESM; Electron and the production dependencies stay external), the sandboxed
// preload (esbuild, CommonJS: a sandboxed preload cannot load ES modules) and the renderer (Vite).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { makeAppIcon, makeTrayIcons } from './tray-icons.mjs';

/**
 * `npm start` passes the folder of native modules built for Electron (electron-native.mjs, JETT_ELECTRON_NATIVE):
 * the bundle then imports better-sqlite3 from there, and node_modules keeps Node's build for `npm test`.
 */
function electronNative(nativeDir) {
  return {
    name: 'electron-native',
    setup(b) {
      if (!nativeDir) return;
      b.onResolve({ filter: /^better-sqlite3$/ }, () => ({
        path: pathToFileURL(path.join(path.resolve(nativeDir), 'node_modules', 'better-sqlite3', 'lib', 'index.js')).href,
        external: true,
      }));
    },
  };
}

// Production dependencies ship in the app's node_modules (electron-builder copies them, native ones unpacked from
// asar): the bundle imports them at run time, so native loaders (sharp, onnxruntime, better-sqlite3) find their files.
const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = ['electron', 'pg-native', ...Object.keys(pkg.dependencies ?? {})];

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

/** The main process as one ESM file, `${outdir}/app/main.js`. */
export async function buildMain(outdir = 'dist', nativeDir = process.env.JETT_ELECTRON_NATIVE) {
  await build({
    ...common,
    entryPoints: { 'app/main': 'main/app/main.ts' },
    outdir,
    format: 'esm',
    external,
    plugins: [electronNative(nativeDir)],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  // The keyring helper runs as a program of its own (a utility process), found beside the bundle.
  fs.copyFileSync('main/core/secrets/keyring-child.cjs', path.join(outdir, 'app', 'keyring-child.cjs'));
  // So does hold-to-talk's key hook (uiohook-napi aborts its process when no display is usable).
  fs.copyFileSync('main/app/keyhook/key-hook-child.cjs', path.join(outdir, 'app', 'key-hook-child.cjs'));
}

export async function buildPreload(outdir = 'dist') {
  await build({ ...common, entryPoints: ['preload/index.ts'], outfile: path.join(outdir, 'preload', 'index.cjs'), format: 'cjs', external: ['electron'] });
  // The capture page's own preload: it only passes the MessagePort on.
  await build({ ...common, entryPoints: ['preload/capture.ts'], outfile: path.join(outdir, 'preload', 'capture.cjs'), format: 'cjs', external: ['electron'] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildMain();
  await buildPreload();
  await viteBuild({ configFile: 'build/vite.renderer.mjs' });
  makeTrayIcons('resources/tray');
  makeAppIcon('build/icon.png');
}
