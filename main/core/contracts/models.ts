// The model manager's shapes: the catalogue in resources/models, the record each install keeps, the progress and
// execution-provider events, and the output of `jett models|ollama ... --json` and `npm run bench:models -- --json`.
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');
const commit = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-hex commit');

/** stt: speech-to-text, tts: text-to-speech, embed: text embeddings for memory. */
export const ModelTaskSchema = z.enum(['stt', 'tts', 'embed']);
export type ModelTask = z.infer<typeof ModelTaskSchema>;

/** One file of a catalogue entry. sha256/bytes are null where no real source gave them: unverified until pulled. */
export const CatalogueFileSchema = z.strictObject({
  path: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'a relative path of plain names, no ".."').refine((p) => !p.split('/').includes('..'), 'no ".." in paths'),
  bytes: z.number().int().positive().nullable(),
  sha256: sha256.nullable(),
});
export type CatalogueFile = z.infer<typeof CatalogueFileSchema>;

export const CatalogueEntrySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  task: ModelTaskSchema,
  /** What loads it: the transformers.js Whisper pipeline, kokoro-js, or transformers.js feature extraction (BERT-class embedders). */
  engine: z.enum(['whisper', 'kokoro', 'bert']),
  /** Whisper and embedders: English-only ('en') or multilingual ('multi'). Kokoro: the languages of its voices. */
  languages: z.enum(['en', 'multi']),
  description: z.string(),
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/),
  /** A pinned commit, or null: unpinned, fetched from `main` and the resolved commit recorded at the first pull. */
  revision: commit.nullable(),
  /** Where the pinned revision and checksums were read, so a reviewer can check them. */
  sources: z.array(z.string()),
  /** Approximate total download size, for the free-disk check when some file sizes are unknown. */
  approxBytes: z.number().int().positive(),
  files: z.array(CatalogueFileSchema).min(1),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema>;

export const CatalogueSchema = z.strictObject({
  version: z.literal(1),
  models: z.array(CatalogueEntrySchema).min(1),
});
export type Catalogue = z.infer<typeof CatalogueSchema>;

/** `<models dir>/<name>/jett-model.json`: written at the end of the first complete download, checked by verify. */
export const InstalledRecordSchema = z.strictObject({
  name: z.string(),
  repo: z.string(),
  /** The commit the files came from (resolved from the server when the catalogue entry is unpinned), or null when the server did not say. */
  revision: commit.nullable(),
  pinned: z.boolean(),
  installedAt: z.string(),
  files: z.array(z.strictObject({ path: z.string(), bytes: z.number().int().nonnegative(), sha256, fromCatalogue: z.boolean() })),
});
export type InstalledRecord = z.infer<typeof InstalledRecordSchema>;

export const ModelStateSchema = z.enum(['not-installed', 'installed', 'partial']);

/** `jett models list --json`. */
export const ModelsListOutputSchema = z.object({
  dir: z.string(),
  models: z.array(
    z.object({
      name: z.string(),
      task: ModelTaskSchema,
      languages: z.enum(['en', 'multi']),
      repo: z.string(),
      revision: z.string().nullable(),
      pinned: z.boolean(),
      /** Every file has a sha256 in the catalogue. */
      verified: z.boolean(),
      bytes: z.number().int(),
      bytesExact: z.boolean(),
      state: ModelStateSchema,
      files: z.array(z.object({ path: z.string(), bytes: z.number().int().nullable(), sha256: z.string().nullable() })),
    }),
  ),
});
export type ModelsListOutput = z.infer<typeof ModelsListOutputSchema>;

/** `jett models pull NAME --json`. */
export const ModelsPullOutputSchema = z.object({
  name: z.string(),
  dir: z.string(),
  revision: z.string().nullable(),
  bytes: z.number().int(),
  downloadedBytes: z.number().int(),
  resumedBytes: z.number().int(),
  alreadyInstalled: z.boolean(),
});
export type ModelsPullOutput = z.infer<typeof ModelsPullOutputSchema>;

export const VerifyProblemSchema = z.object({
  path: z.string(),
  problem: z.enum(['missing', 'size', 'sha256', 'catalogue-sha256']),
  detail: z.string(),
});

/** `jett models verify [NAME] --json`. */
export const ModelsVerifyOutputSchema = z.object({
  results: z.array(
    z.object({
      name: z.string(),
      ok: z.boolean(),
      /** Checked against the catalogue's sha256 (true) or only the one recorded at the first download (false). */
      catalogueChecked: z.boolean(),
      revision: z.string().nullable(),
      problems: z.array(VerifyProblemSchema),
    }),
  ),
});
export type ModelsVerifyOutput = z.infer<typeof ModelsVerifyOutputSchema>;

/** Download progress for the window (event `models.progress`) and the terminal bar. */
export const ModelDownloadProgressSchema = z.object({
  name: z.string(),
  file: z.string(),
  fileIndex: z.number().int(),
  fileCount: z.number().int(),
  receivedBytes: z.number().int(),
  /** Total of the whole model when known (sizes from the catalogue or the server), else null. */
  totalBytes: z.number().int().nullable(),
  phase: z.enum(['download', 'verify', 'done']),
});
export type ModelDownloadProgress = z.infer<typeof ModelDownloadProgressSchema>;

export const ExecutionProviderSchema = z.enum(['dml', 'cuda', 'cpu']);
export type ExecutionProvider = z.infer<typeof ExecutionProviderSchema>;
export const ExecutionProviderSettingSchema = z.enum(['auto', 'dml', 'cuda', 'cpu']);

/** Where an engine runs and why: emitted as `models.executionProvider`, logged, shown by doctor and the status snapshot. */
export const ExecutionProviderChoiceSchema = z.object({
  engine: z.string(),
  requested: ExecutionProviderSettingSchema,
  ep: ExecutionProviderSchema,
  /** True when a GPU was wanted (auto) but the engine runs on the CPU. */
  fallback: z.boolean(),
  reason: z.string(),
});
export type ExecutionProviderChoice = z.infer<typeof ExecutionProviderChoiceSchema>;

/**
 * One loaded model's memory: the agent's resident set measured before and after its load (the first model of a
 * runtime also pays for loading that runtime). GPU memory a provider takes outside the process is not in it.
 */
export const ModelMemorySchema = z.object({
  /** `runtime`: importing the speech runtimes themselves (onnxruntime-node, transformers.js, kokoro-js), on the CPU. */
  task: z.enum(['runtime', 'vad', 'stt', 'tts']),
  engine: z.string(),
  ep: ExecutionProviderSchema,
  rssMb: z.number(),
});
export type ModelMemory = z.infer<typeof ModelMemorySchema>;

/** The status snapshot's view of the model engines (null until each has loaded). */
export const ModelsStatusSchema = z.object({
  stt: ExecutionProviderChoiceSchema.nullable(),
  tts: ExecutionProviderChoiceSchema.nullable(),
  /** What each loaded model cost in memory, on the provider it runs on; absent until one has loaded. */
  memory: z.array(ModelMemorySchema).optional(),
});
export type ModelsStatus = z.infer<typeof ModelsStatusSchema>;

/** `jett ollama status --json`: whether Ollama answers at ollama.host, what it holds, and whether that includes ollama.model. */
export const OllamaStatusOutputSchema = z.object({
  host: z.string(),
  running: z.boolean(),
  models: z.array(z.object({ name: z.string(), sizeBytes: z.number().nullable() })),
  model: z.string(),
  hasModel: z.boolean(),
  error: z.object({ message: z.string(), fix: z.string() }).nullable(),
});
export type OllamaStatusOutput = z.infer<typeof OllamaStatusOutputSchema>;

/** `jett ollama pull --json`. */
export const OllamaPullOutputSchema = z.object({ host: z.string(), model: z.string(), pulled: z.literal(true) });
export type OllamaPullOutput = z.infer<typeof OllamaPullOutputSchema>;
