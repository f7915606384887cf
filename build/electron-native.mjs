// Electron's ABI differs from Node's, and better-sqlite3 is a native module: `npm test` needs it built for Node,
// the app needs it built for Electron. So the Electron build lives in its own folder, .electron-native/<key>/,
// made by @electron/rebuild from a copy of the installed module; node_modules is never touched. `npm start` points
// the main bundle at it (build-app.mjs) and packaging copies its binary into the app (after-pack.cjs).
// onnxruntime-node uses N-API, which both ABIs share: it needs nothing of this.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const NATIVE_MODULES = ['better-sqlite3'];
// What better-sqlite3 loads beside itself to find its binary.
const COMPANIONS = ['bindings', 'file-uri-to-path'];

function versionOf(root, name) {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** The folder holding node_modules/better-sqlite3 built for this Electron, platform and arch; built when missing. */
export async function ensureElectronNative({ root, electronVersion, platform = process.platform, arch = process.arch, log = console.log }) {
  const key = `electron-${electronVersion}-${platform}-${arch}-sqlite-${versionOf(root, 'better-sqlite3')}`;
  const dir = path.join(root, '.electron-native', key);
  const marker = path.join(dir, '.built');
  if (fs.existsSync(marker)) return dir;
  log(`Building native modules for Electron ${electronVersion} (${platform}-${arch}) in ${path.relative(root, dir)} ...`);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const name of [...NATIVE_MODULES, ...COMPANIONS]) {
    const from = path.join(root, 'node_modules', name);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, 'node_modules', name), { recursive: true, dereference: true });
  }
  const dependencies = Object.fromEntries(NATIVE_MODULES.map((n) => [n, versionOf(root, n)]));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'jett-electron-native', private: true, dependencies }, null, 2));
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: dir, electronVersion, platform, arch, onlyModules: NATIVE_MODULES, force: true });
  fs.writeFileSync(marker, new Date().toISOString());
  return dir;
}

export function installedElectronVersion(root) {
  return JSON.parse(fs.readFileSync(require.resolve('electron/package.json', { paths: [root] }), 'utf8')).version;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  console.log(await ensureElectronNative({ root, electronVersion: installedElectronVersion(root) }));
}
