// Builds the `jett` command (the CLI and the headless agent) into dist/cli/: `npm install` runs it (the `prepare`
// script), and bin/jett.mjs runs its output, or rebuilds it first in a checkout whose sources changed since.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Native addons, packages with optional native parts (pg's pg-native) and the large speech runtimes stay in
 * node_modules, loaded at run time where they find their own files; pure JavaScript packages are bundled.
 */
const CLI_EXTERNAL = [
  'better-sqlite3',
  'onnxruntime-node',
  '@napi-rs/keyring',
  'pg',
  'pg-native',
  'kokoro-js',
  '@huggingface/transformers',
];

/** Plain files the bundle finds beside itself (`new URL('./x', import.meta.url)`), copied into each build. */
const BESIDE = ['main/core/secrets/keyring-child.cjs'];

/** Where the pointer to the current build lives; each build is a folder of its own beside it. */
const cliDist = (root = ROOT) => path.join(root, 'dist', 'cli');
const pointerPath = (root = ROOT) => path.join(cliDist(root), 'current.json');

/** A build that could not be made; its message names the cause and the fix. */
export class CliBuildError extends Error {}

async function loadEsbuild(root) {
  try {
    return await import('esbuild');
  } catch {
    throw new CliBuildError(
      'esbuild is not installed, so the `jett` command cannot be built.\n' +
        `  fix: run \`npm install\` in ${root} without --omit=dev or --production (esbuild is a development dependency), then \`npm run build:cli\``,
    );
  }
}

/** rename() over an existing file; Windows refuses it for a moment while another `jett` reads that file. */
function replaceFile(from, to) {
  for (let attempt = 1; ; attempt++) {
    try {
      return fs.renameSync(from, to);
    } catch (err) {
      if (attempt >= 20 || !['EPERM', 'EACCES', 'EBUSY'].includes(err.code)) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

/** The folder in a build where each `jett` that runs from it leaves a marker named by its pid. */
const RUNNING = 'running';

/** Whether a process with this pid lives (EPERM: it does, as another user's). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Whether a `jett` still runs from this build: a long-lived agent imports chunks of it on use (speech, pg). */
function inUse(dir) {
  let names = [];
  try {
    names = fs.readdirSync(path.join(dir, RUNNING));
  } catch {
    return false;
  }
  return names.some((name) => /^\d+$/.test(name) && alive(Number(name)));
}

/**
 * Removes builds replaced more than an hour ago, except one a live `jett` runs from (its marker, markRunning()):
 * core imports the speech runtimes and pg lazily, so an agent started from a build a day ago still loads chunks of
 * it. A marker left by a process that died is ignored (its pid is gone).
 */
function removeOldBuilds(dist, keep, now) {
  for (const name of fs.readdirSync(dist)) {
    if (name === keep || !name.startsWith('b-')) continue;
    const dir = path.join(dist, name);
    try {
      if (now - fs.statSync(dir).mtimeMs > 3600_000 && !inUse(dir)) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

/**
 * Marks the build of `entry` as in use by this process until it exits, so no later build removes it meanwhile. A
 * build folder this user cannot write (installed by another user) is left unmarked: only its owner's builds remove it.
 */
export function markRunning(entry, pid = process.pid) {
  const marker = path.join(path.dirname(entry), RUNNING, String(pid));
  try {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, '');
  } catch {
    return;
  }
  process.on('exit', () => fs.rmSync(marker, { force: true }));
}

/**
 * Builds into a fresh folder, then points dist/cli/current.json at it with an atomic rename: processes that build at
 * the same time (parallel tests in a checkout) never see a half-written build, and the last one to finish wins.
 */
export async function buildCli({ root = ROOT } = {}) {
  const startedAt = Date.now();
  const dist = cliDist(root);
  const id = `b-${startedAt.toString(36)}-${process.pid}`;
  const outdir = path.join(dist, id);
  try {
    fs.mkdirSync(outdir, { recursive: true });
  } catch (err) {
    if (err.code !== 'EACCES' && err.code !== 'EPERM') throw err;
    throw new CliBuildError(
      `the \`jett\` command cannot be built: ${dist} is not writable by this user (did \`sudo\` build it first?)\n` +
        `  fix: run \`npm run build:cli\` as the owner of ${root}, or remove ${dist} (it is rebuilt)`,
    );
  }
  let result;
  try {
    const { build } = await loadEsbuild(root);
    result = await build({
      absWorkingDir: root,
      entryPoints: { index: 'main/cli/index.ts' },
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: CLI_EXTERNAL,
      metafile: true,
      chunkNames: '[name]-[hash]',
      logLevel: 'silent',
      // Bundled CommonJS packages call require() for Node's built-ins; ESM output has none of its own.
      banner: { js: "import { createRequire as __jettRequire } from 'node:module'; const require = __jettRequire(import.meta.url);" },
    });
  } catch (err) {
    fs.rmSync(outdir, { recursive: true, force: true });
    if (err instanceof CliBuildError) throw err;
    const first = (err.errors ?? []).slice(0, 5).map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    throw new CliBuildError(
      `the \`jett\` command did not build:\n${first.join('\n') || `  ${err.message}`}\n` +
        '  fix: correct the error above (`npm run typecheck` shows it too), then run `npm run build:cli`',
    );
  }
  for (const rel of BESIDE) fs.copyFileSync(path.join(root, rel), path.join(outdir, path.basename(rel)));
  // Our own sources only: node_modules changes through npm, whose `prepare` rebuilds.
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
  const pointer = { build: id, entry: 'index.js', builtAt: startedAt, inputs: [...inputs, ...BESIDE, 'package.json', 'build/build-cli.mjs'] };
  const tmp = `${pointerPath(root)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(pointer));
  replaceFile(tmp, pointerPath(root));
  removeOldBuilds(dist, id, startedAt);
  return { ...pointer, metafile: result.metafile, outdir };
}

/** The current build, and why it cannot be used as it is (null when it can): missing, or older than a source of it. */
function currentBuild(root = ROOT) {
  let build = null;
  try {
    build = JSON.parse(fs.readFileSync(pointerPath(root), 'utf8'));
  } catch {
    return { build: null, stale: 'it has not been built yet' };
  }
  if (!fs.existsSync(path.join(cliDist(root), build.build, build.entry))) return { build, stale: 'it has not been built yet' };
  for (const rel of build.inputs) {
    const st = fs.statSync(path.join(root, rel), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > build.builtAt) return { build, stale: `${rel} changed since it was built` };
  }
  return { build, stale: null };
}

/** The entry file to run: the current build, or a new one when that is stale (`say` is told why). */
export async function ensureCli({ root = ROOT, say = () => {} } = {}) {
  let { build, stale } = currentBuild(root);
  if (stale) {
    say(`building the command (${stale}) ...`);
    build = await buildCli({ root });
  }
  return path.join(cliDist(root), build.build, build.entry);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const built = await buildCli();
    console.log(`built the jett command into ${path.relative(ROOT, built.outdir)}`);
  } catch (err) {
    console.error(err instanceof CliBuildError ? err.message : err);
    process.exit(1);
  }
}
