// `npm start`: builds the app (native modules for Electron's ABI in .electron-native/), launches Electron; where
// Electron cannot start, says why and runs `jett agent`.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childStdio, forwardStop } from './stop-child.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary's path, or the reason it cannot be had (no display, binary missing and not downloadable). */
function electronBinary() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  // require('electron') fetches the binary on first use; a child with a deadline keeps an offline machine from hanging.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (probe.status === 0 && probe.stdout) return { binary: probe.stdout };
  const lines = (probe.stderr || probe.error?.message || '').split('\n');
  const why = lines.find((l) => /^\w*Error: /.test(l))?.trim() ?? 'unknown error';
  return { reason: `the Electron binary is missing and could not be fetched (${why})` };
}

function run(cmd, args, { ipc = false } = {}) {
  const child = spawn(cmd, args, { cwd: root, stdio: ipc ? childStdio() : 'inherit' });
  forwardStop(child);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

/** better-sqlite3 built for Electron's ABI, in its own folder (build/electron-native.mjs); node_modules keeps Node's. */
async function electronNative() {
  try {
    const { ensureElectronNative, installedElectronVersion } = await import('../build/electron-native.mjs');
    return { dir: await ensureElectronNative({ root, electronVersion: installedElectronVersion(root) }) };
  } catch (err) {
    return { reason: `native modules could not be built for Electron (${String(err?.message ?? err).split('\n')[0]})` };
  }
}

let found = electronBinary();
const native = found.binary ? await electronNative() : null;
if (native?.reason) found = { reason: native.reason };
if (found.binary) {
  const env = { ...process.env, JETT_ELECTRON_NATIVE: native.dir };
  const built = spawnSync(process.execPath, [path.join(root, 'build', 'build-app.mjs')], { cwd: root, stdio: 'inherit', env });
  if (built.status !== 0) process.exit(built.status ?? 1);
  run(found.binary, [path.join(root, 'dist', 'app', 'main.js')], { ipc: true });
} else {
  console.log(`Electron cannot start here: ${found.reason}; running the headless agent (jett agent) instead.`);
  run(process.execPath, [path.join(root, 'bin', 'jett.mjs'), 'agent']);
}
