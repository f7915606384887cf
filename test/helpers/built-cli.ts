// The `jett` command as `npm install` builds it (build/build-cli.mjs), for the tests and benchmarks that must run
// what users run rather than the TypeScript sources.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliBuild {
  /** The folder of this build under dist/cli, and its entry file there. */
  build: string;
  entry: string;
  outdir: string;
  builtAt: number;
  inputs: string[];
  metafile: Metafile;
}

interface BuildModule {
  buildCli: (o: { root: string }) => Promise<CliBuild>;
  ensureCli: (o: { root: string }) => Promise<string>;
}
const buildModule = async () => (await import(pathToFileURL(path.join(REPO_ROOT, 'build', 'build-cli.mjs')).href)) as BuildModule;

/** Builds the command into dist/cli (as `npm install` does) and returns where; the newest build becomes bin's. */
export async function buildCli(): Promise<CliBuild> {
  return (await buildModule()).buildCli({ root: REPO_ROOT });
}

/** Builds the command only if sources changed since the current build (as bin/jett.mjs does); returns its entry. */
export async function ensureCli(): Promise<string> {
  return (await buildModule()).ensureCli({ root: REPO_ROOT });
}

export const builtEntry = (b: CliBuild): string => path.join(b.outdir, b.entry);
