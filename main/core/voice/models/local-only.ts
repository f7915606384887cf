// Points both copies of transformers.js at the models folder and forbids remote fetches: the Whisper pipeline
// (@huggingface/transformers 4.x) and the copy kokoro-js nests (3.x) each have their own `env`. Downloads are the
// model manager's job; at run time a missing file must be an error, never a silent fetch from the Hub.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

interface TransformersEnv {
  allowRemoteModels: boolean;
  allowLocalModels: boolean;
  localModelPath: string;
  useFSCache: boolean;
  useBrowserCache: boolean;
}

function configure(env: TransformersEnv, modelsDir: string): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelsDir.endsWith(path.sep) ? modelsDir : modelsDir + path.sep;
  // Nothing to cache: every file is local already, and the cache folder would sit inside node_modules.
  env.useFSCache = false;
  env.useBrowserCache = false;
}

/** The transformers.js module kokoro-js imports (its nested copy), loaded by the same URL so it is the same instance. */
async function kokoroTransformers(): Promise<{ env: TransformersEnv }> {
  const kokoroEntry = require.resolve('kokoro-js');
  const cjs = createRequire(kokoroEntry).resolve('@huggingface/transformers');
  const esm = path.join(path.dirname(cjs), 'transformers.node.mjs');
  return (await import(pathToFileURL(esm).href)) as { env: TransformersEnv };
}

export async function useLocalModelsOnly(modelsDir: string): Promise<{ whisperEnv: TransformersEnv; kokoroEnv: TransformersEnv }> {
  const whisper = (await import('@huggingface/transformers')) as unknown as { env: TransformersEnv };
  const kokoro = await kokoroTransformers();
  configure(whisper.env, modelsDir);
  configure(kokoro.env, modelsDir);
  return { whisperEnv: whisper.env, kokoroEnv: kokoro.env };
}
