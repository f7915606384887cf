// The embedding model for memory: a BERT-class sentence embedder run through transformers.js feature extraction
// (mean pooling, normalized) on the same onnxruntime-node and execution-provider choice as Whisper and Kokoro.
// Which model: models.embed, or by default the English MiniLM, or the multilingual one when the user speaks
// another language (models.sttLanguage).
import os from 'node:os';
import type { Config } from '../contracts/config.js';
import type { Catalogue, CatalogueEntry, ExecutionProvider, ExecutionProviderChoice } from '../contracts/models.js';
import { EngineError } from '../voice/errors.js';
import { findEntry } from '../voice/models/catalogue.js';
import { chooseExecutionProvider, type OrtEnvironment } from '../voice/models/execution-provider.js';
import { checkModelFolder, isPresent } from '../voice/models/installed.js';
import { loadOnProvider } from '../voice/models/load.js';
import { useLocalModelsOnly } from '../voice/models/local-only.js';

/** Every embedder Jett ships, and the Qdrant collection, use this size. */
export const MEMORY_DIMS = 384;

export const ENGLISH_EMBEDDER = 'all-minilm-l6-v2';
export const MULTILINGUAL_EMBEDDER = 'paraphrase-multilingual-minilm-l12-v2';

export interface TextEmbedder {
  /** The model and where it runs, for the log and status. */
  readonly name: string;
  /** The catalogue name, kept with each vector so vectors of two models are never compared. */
  readonly model: string;
  readonly dims: number;
  /** A unit-length vector of `dims` floats. */
  embed(text: string): Promise<Float32Array>;
}

/**
 * onnxruntime's defaults cost recall more than they give: idle workers spin, so after each embedding they kept the
 * cores busy while the vector search that follows (and the VAD, STT and TTS beside it) ran on what was left; and a
 * worker per core is more hand-offs than a few dozen tokens repay. Two workers that sleep when done (bench:memory
 * runs its bare onnxruntime session with the same options, so its ratio is the wrapper's cost alone).
 */
export const EMBED_SESSION_OPTIONS = {
  intraOpNumThreads: Math.min(2, os.availableParallelism()),
  interOpNumThreads: 1,
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
};

/** The part of the transformers.js feature-extraction pipeline this engine uses. */
type FeatureExtractor = (text: string, options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array | number[]; dims: number[] }>;

/** The model the config asks for: models.embed, else by the language the user speaks. */
export function embedderName(config: Config): string {
  if (config.models.embed) return config.models.embed;
  return /^(en|english)$/.test(config.models.sttLanguage) ? ENGLISH_EMBEDDER : MULTILINGUAL_EMBEDDER;
}

export class TransformersEmbedder implements TextEmbedder {
  readonly name: string;
  readonly dims = MEMORY_DIMS;

  private constructor(
    private readonly extract: FeatureExtractor,
    readonly model: string,
    choice: ExecutionProviderChoice,
  ) {
    this.name = `${model} (${choice.ep}${choice.fallback ? ', CPU fallback' : ''})`;
  }

  /** Loads and warms the model; a folder that is missing, incomplete, corrupt or of the wrong size is an EngineError. */
  static async load(o: { modelsDir: string; entry: CatalogueEntry; choice: ExecutionProviderChoice; announce: (c: ExecutionProviderChoice) => void }): Promise<TransformersEmbedder> {
    checkModelFolder(o.modelsDir, o.entry, 'embed');
    await useLocalModelsOnly(o.modelsDir);
    const { pipeline } = await import('@huggingface/transformers');
    const { engine, choice } = await loadOnProvider(o.entry.name, o.choice, o.announce, async (ep: ExecutionProvider) => {
      const extract = (await pipeline('feature-extraction', o.entry.name, { device: ep, dtype: 'fp32', local_files_only: true, session_options: EMBED_SESSION_OPTIONS })) as unknown as FeatureExtractor;
      const embedder = new TransformersEmbedder(extract, o.entry.name, o.choice);
      // The first run builds the session's kernels, and proves the output has the size the index expects.
      await embedder.embed('warm up');
      return embedder;
    });
    return choice === o.choice ? engine : new TransformersEmbedder(engine.extract, o.entry.name, choice);
  }

  async embed(text: string): Promise<Float32Array> {
    let out: Awaited<ReturnType<FeatureExtractor>>;
    try {
      out = await this.extract(text, { pooling: 'mean', normalize: true });
    } catch (err) {
      const first = String((err as Error).message ?? err).split('\n')[0]!.slice(0, 300);
      throw new EngineError(`${this.model} failed to embed text: ${first}`, `check the model with \`jett models verify ${this.model}\``, { cause: err });
    }
    const size = out.dims[out.dims.length - 1];
    if (size !== MEMORY_DIMS) {
      throw new EngineError(`${this.model} gives ${String(size)}-dimensional vectors, but memory needs ${MEMORY_DIMS}`, `set models.embed to ${ENGLISH_EMBEDDER} or ${MULTILINGUAL_EMBEDDER}`);
    }
    return out.data instanceof Float32Array ? out.data : Float32Array.from(out.data);
  }
}

export interface EmbedderDeps {
  catalogue: () => Catalogue;
  ort: () => Promise<OrtEnvironment>;
  announce: (c: ExecutionProviderChoice) => void;
}

/** The configured embedder, or null when its model is not downloaded (memory then stays off, voice answers). */
export async function loadEmbedder(config: Config, modelsDir: string, deps: EmbedderDeps): Promise<TextEmbedder | null> {
  const entry = findEntry(deps.catalogue(), embedderName(config));
  if (entry.task !== 'embed') throw new EngineError(`${entry.name} is not an embedding model`, `set models.embed to ${ENGLISH_EMBEDDER} or ${MULTILINGUAL_EMBEDDER}`);
  if (!isPresent(modelsDir, entry)) return null;
  const choice = chooseExecutionProvider(entry.name, config.models.executionProvider, await deps.ort());
  return TransformersEmbedder.load({ modelsDir, entry, choice, announce: deps.announce });
}
