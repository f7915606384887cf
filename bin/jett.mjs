#!/usr/bin/env node
// The `jett` binary: runs the JavaScript that `npm install` built (build/build-cli.mjs, the `prepare` script). In a
// checkout whose sources changed since that build, it rebuilds first (about a second), so what runs is what is there.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist', 'cli');

function current() {
  try {
    return JSON.parse(fs.readFileSync(path.join(dist, 'current.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Why the build cannot be used as it is, or null: missing, or older than one of the sources it was built from. */
function staleness(build) {
  if (!build || !fs.existsSync(path.join(dist, build.build, build.entry))) return 'it has not been built yet';
  for (const rel of build.inputs) {
    const st = fs.statSync(path.join(root, rel), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > build.builtAt) return `${rel} changed since it was built`;
  }
  return null;
}

let build = current();
const why = staleness(build);
if (why) {
  process.stderr.write(`jett: building the command (${why}) ...\n`);
  const { buildCli, CliBuildError } = await import('../build/build-cli.mjs');
  try {
    build = await buildCli({ root });
  } catch (err) {
    process.stderr.write(`jett: ${err instanceof CliBuildError ? err.message : String(err?.stack ?? err)}\n`);
    process.exit(1);
  }
}
await import(pathToFileURL(path.join(dist, build.build, build.entry)).href);
