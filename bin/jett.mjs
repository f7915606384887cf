#!/usr/bin/env node
// The `jett` binary: runs the JavaScript that `npm install` built (build/build-cli.mjs, the `prepare` script). In a
// checkout whose sources changed since that build, it rebuilds first (about a second), so what runs is what is there.
import { pathToFileURL } from 'node:url';
import { CliBuildError, ensureCli, markRunning } from '../build/build-cli.mjs';

let entry;
try {
  entry = await ensureCli({ say: (line) => process.stderr.write(`jett: ${line}\n`) });
} catch (err) {
  process.stderr.write(`jett: ${err instanceof CliBuildError ? err.message : String(err?.stack ?? err)}\n`);
  process.exit(1);
}
markRunning(entry);
await import(pathToFileURL(entry).href);
