// The last JSON line of each benchmark and of the fault run (`npm run bench:<area> -- --json`, `npm run test:faults`):
// harness shapes, not the product's, so they live beside the test worlds that produce them.
import { z } from 'zod';
import { ExecutionProviderSchema } from '../../core/contracts/models.js';
import { TunnelStateSchema } from '../../core/contracts/status.js';

export const SyncBenchResultSchema = z.object({
  payload_bytes: z.number().int(),
  append_per_s: z.number(),
  raw_append_per_s: z.number(),
  append_ratio: z.number(),
  drain_per_s: z.number(),
  raw_insert_per_s: z.number(),
  drain_ratio: z.number(),
  rtt_ms: z.number(),
  backlog: z.number().int(),
  drain_s: z.number(),
});
export type SyncBenchResult = z.infer<typeof SyncBenchResultSchema>;

export const FaultRunResultSchema = z.object({
  runs: z.number().int(),
  kills: z.number().int(),
  kills_after_commit: z.number().int(),
  cuts: z.number().int(),
  lost: z.number().int(),
  duplicated: z.number().int(),
  reordered: z.number().int(),
  stuck: z.number().int(),
});
export type FaultRunResult = z.infer<typeof FaultRunResultSchema>;

export const TunnelBenchResultSchema = z.object({
  poll_s: z.number(),
  keepalive_s: z.number(),
  idle_s: z.number(),
  false_transitions: z.number().int(),
  probe_rtt_ms_p50: z.number().nullable(),
  cut_s: z.number(),
  detect_s: z.number().nullable(),
  recover_s: z.number().nullable(),
  cut_mode: z.enum(['link', 'drop']),
  handshake_age_max_s: z.number(),
  states_during_cut: z.array(TunnelStateSchema),
  goals_met: z.boolean(),
});
export type TunnelBenchResult = z.infer<typeof TunnelBenchResultSchema>;

/** The last line of `npm run bench:voice -- --json`. */
/** bench:voice's `app`: the tray app's capture path (the capture page in headless Chromium) over the same clips. */
export const AppCaptureBenchSchema = z.object({
  clips: z.number().int(),
  endpoint_delay_ms_p95: z.number(),
  false_endpoints: z.number().int(),
  /** A frame's arrival on the Node side minus the audio time of its last sample. */
  capture_overhead_ms_p95: z.number(),
  /** How much Chromium's echo canceller removed of a reply played through the page's <audio> element. */
  aec_reduction_db: z.number(),
});
export type AppCaptureBench = z.infer<typeof AppCaptureBenchSchema>;

/** bench:voice's barge-in figures: replies played while the capture carries their echo, and in some the user's speech. */
export const BargeInBenchSchema = z.object({
  replies: z.number().int(),
  /** The user's speech onset to playback stopped (hushed at a likely onset), on the sample clock. */
  barge_in_ms_p95: z.number(),
  /** The user's speech onset to the reply cancelled (the turn's start confirmed). */
  cancel_ms_p95: z.number(),
  /** Replies cut by their own echo. */
  self_interruptions: z.number().int(),
  /** Hushes that came to nothing: the reply went on after them. */
  false_hushes: z.number().int(),
  /** Replies the user spoke over that played on. */
  missed: z.number().int(),
  /** The same user onsets with no echo at all (headphones): the floor the VAD's start rule sets. */
  no_echo_ms_p95: z.number(),
});
export type BargeInBench = z.infer<typeof BargeInBenchSchema>;

export const VoiceBenchSchema = z.object({
  clips: z.number().int(),
  vad_ms_per_chunk: z.number(),
  raw_ort_ms_per_chunk: z.number(),
  vad_ratio: z.number(),
  silence_ms: z.number(),
  vad_lag_ms_p50: z.number(),
  endpoint_delay_ms_p50: z.number(),
  endpoint_delay_ms_p95: z.number(),
  false_endpoints: z.number().int(),
  overhead_ms_p95: z.number(),
  first_audio_ms_p50: z.number(),
  first_audio_ms_p95: z.number(),
  speech_end_to_audio_ms_p50: z.number(),
  speech_end_to_audio_ms_p95: z.number(),
  app: AppCaptureBenchSchema.optional(),
  barge_in: BargeInBenchSchema,
});
export type VoiceBench = z.infer<typeof VoiceBenchSchema>;

/** The last line of `npm run bench:memory -- --json` (issue 18): embedding, search, recall and first audio with memory on. */
export const MemoryBenchSchema = z.object({
  items: z.number().int(),
  dims: z.number().int(),
  embed_ms_p50: z.number(),
  raw_embed_ms_p50: z.number(),
  embed_ratio: z.number(),
  search_ms_p95: z.number(),
  raw_search_ms_p95: z.number(),
  recall_at_10: z.number(),
  recall_ms_p95: z.number(),
  first_audio_ms_p95_without: z.number(),
  first_audio_ms_p95_with: z.number(),
  speech_end_to_audio_ms_p95_with: z.number(),
});
export type MemoryBench = z.infer<typeof MemoryBenchSchema>;

/** The last line of `npm run bench:models -- --json`; figures are null when the models were not there to measure. */
export const ModelsBenchSchema = z.object({
  ep: ExecutionProviderSchema,
  stt_model: z.string(),
  stt_ms_for_3s: z.number().nullable(),
  cpu_stt_ms_for_3s: z.number().nullable(),
  stt_rtf: z.number().nullable(),
  tts_first_audio_ms: z.number().nullable(),
  cpu_tts_first_audio_ms: z.number().nullable(),
  tts_rtf: z.number().nullable(),
  skipped: z.string().nullable(),
});
export type ModelsBench = z.infer<typeof ModelsBenchSchema>;

/** One size step of `npm run bench:audit -- --json`. */
export const AuditBenchStepSchema = z.object({
  scale: z.number().int(),
  services: z.number().int(),
  bytes: z.number().int(),
  audit_ms: z.number(),
  /** The bare baseline on the same text: the yaml package's parseDocument + toJS, which the audit runs first. */
  parse_ms: z.number(),
});

/** `npm run bench:audit -- --json`: audit time per size; a linear audit has growth_per_doubling near 2. */
export const AuditBenchResultSchema = z.object({
  steps: z.array(AuditBenchStepSchema),
  /** Each step's audit time over the previous one's (the size doubles between steps). */
  growth_per_doubling: z.array(z.number()),
  /** The geometric mean of growth_per_doubling: (8x time / 1x time)^(1/3). */
  mean_growth_per_doubling: z.number(),
  /** Audit time over the bare parse, at the largest size. */
  audit_to_parse_ratio: z.number(),
});
export type AuditBenchResult = z.infer<typeof AuditBenchResultSchema>;

/** `bench:agent`'s backlog part (issue 15): a million pending events, their drain and the status read meanwhile. */
export const AgentBacklogResultSchema = z.object({
  backlog: z.number().int(),
  backlog_drain_s: z.number(),
  backlog_rss_growth_mb: z.number(),
  outbox_status_ms: z.number(),
});

/** `bench:agent`'s CLI part (issue 15): medians of `jett --help`, `config get` and `status`, each over a bare Node start. */
export const AgentCliResultSchema = z.object({
  node_start_ms: z.number(),
  help_ms: z.number(),
  help_ratio: z.number(),
  config_get_ms: z.number(),
  config_get_ratio: z.number(),
  status_ms: z.number(),
  status_ratio: z.number(),
});

/** `bench:agent`'s idle part (issue 15): the agent's process tree idling with a real tunnel up, voice off; voice on. */
export const AgentIdleResultSchema = z.object({
  idle_rss_mb: z.number(),
  idle_cpu_pct: z.number(),
  voice_rss_mb: z.number(),
});

/** `bench:agent`'s last line: the keys of each part that ran (a part merges its schema in here, all optional). */
export const AgentBenchResultSchema = z
  .object({ ...AgentCliResultSchema.shape, ...AgentIdleResultSchema.shape, ...AgentBacklogResultSchema.shape })
  .partial()
  .strict();
export type AgentBenchResult = z.infer<typeof AgentBenchResultSchema>;

/** The last line of `npm run bench:wake -- --json` (issue 20); times are ms of CPU-bound work per 80 ms chunk. */
export const WakeBenchSchema = z.object({
  clips: z.number().int(),
  positives: z.number().int(),
  negatives: z.number().int(),
  negative_audio_s: z.number(),
  detected: z.number().int(),
  false_wakes: z.number().int(),
  double_wakes: z.number().int(),
  false_wakes_per_hour: z.number(),
  max_score_diff: z.number(),
  chunk_ms_p50: z.number(),
  chunk_ms_p95: z.number(),
  raw_chunk_ms_p50: z.number(),
  chunk_ratio: z.number(),
  rss_mb: z.number(),
  /** Phrases the head is known to confuse with the wake word ("hey jack"), scored apart from the negatives. */
  confusable_clips: z.number().int(),
  confusable_wakes: z.number().int(),
  goals_met: z.boolean(),
});
export type WakeBench = z.infer<typeof WakeBenchSchema>;
