// The voice pipeline's shapes: the per-turn record (transcript, reply, latencies) that goes to jett.db and the
// outbox, the stage events on the bus, `jett voice --json`, `jett voice devices --json`, and
// `npm run bench:voice -- --json`.
import { z } from 'zod';

export const VoiceActivationSchema = z.enum(['hotkey', 'handsFree', 'pushToTalk']);
export type VoiceActivation = z.infer<typeof VoiceActivationSchema>;

export const BargeInSchema = z.enum(['off', 'on']);
export const RecorderSchema = z.enum(['sox', 'arecord']);

const ms = z.number().nullable();

/**
 * Stage times of one turn in ms, relative to the end-of-turn decision (turn_end_ms is 0). speech_end_ms is the
 * pipeline's estimate of the end of speech, from the audio clock (negative: it precedes the decision). A stage
 * that did not happen (no speech-to-text for a typed `ask`, a cancel before audio) is null. With voice.preemptMs
 * the reply is prepared during the end-of-turn silence, so its early stages can be negative (done before the
 * decision); its audio still starts only after it.
 */
export const VoiceLatenciesSchema = z.object({
  speech_end_ms: ms,
  turn_end_ms: z.literal(0),
  stt_final_ms: ms,
  llm_first_token_ms: ms,
  first_fragment_ms: ms,
  tts_first_audio_ms: ms,
  playback_start_ms: ms,
  /** speech_end -> playback_start: what the user waits. */
  speech_end_to_audio_ms: ms,
});
export type VoiceLatencies = z.infer<typeof VoiceLatenciesSchema>;

export const VoiceTurnSourceSchema = z.enum(['microphone', 'file', 'ask', 'speak']);
export const VoiceTurnOutcomeSchema = z.enum(['answered', 'cancelled', 'failed', 'no-speech']);

export const VoiceTurnRecordSchema = z.object({
  id: z.string(),
  /** Wall-clock time of the end-of-turn decision. */
  at: z.string(),
  source: VoiceTurnSourceSchema,
  transcript: z.string(),
  reply: z.string(),
  fragments: z.number().int(),
  outcome: VoiceTurnOutcomeSchema,
  /** Why it failed or was cancelled (barge-in, stop), else null. */
  reason: z.string().nullable(),
  engines: z.object({ stt: z.string().nullable(), llm: z.string().nullable(), tts: z.string() }),
  /** Positions on the audio clock (samples at 16 kHz) for turns that came from audio. */
  audio: z
    .object({ speech_start: z.number().int(), speech_end: z.number().int(), turn_end: z.number().int(), end_reason: z.string() })
    .nullable(),
  latencies: VoiceLatenciesSchema,
});
export type VoiceTurnRecord = z.infer<typeof VoiceTurnRecordSchema>;

/** The pipeline's parts that can fail on their own; a stage error names one, with the code `<stage>-failed`. */
export const VoiceStageNameSchema = z.enum(['capture', 'stt', 'llm', 'tts', 'playback']);
export type VoiceStageName = z.infer<typeof VoiceStageNameSchema>;

const stageEvent = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), ms: z.number(), ...shape });
const turnId = z.string();

/**
 * One step of the voice pipeline, published on the bus as `voice.stage` (after Home Assistant's assist pipeline
 * events): the microphone's speech start, partial transcripts and end of turn, then each turn's start, its stages (once each,
 * the first time: they are the turn's latency marks), a stage error with its code, and its end. `ms` is the
 * pipeline's monotonic clock. A cancelled turn ends with outcome `cancelled` and no error event; `dropped` is a
 * reply prepared during a pause that the user spoke through (never a turn, never in the turn log).
 */
export const VoiceStageEventSchema = z.discriminatedUnion('type', [
  /** The VAD heard speech start, and decided the turn ended: positions on the audio clock (16 kHz samples). */
  stageEvent('vad-start', { sample: z.number().int() }),
  stageEvent('vad-end', { sample: z.number().int() }),
  stageEvent('stt-partial', { text: z.string() }),
  stageEvent('turn-start', { turn: turnId, source: VoiceTurnSourceSchema, held: z.boolean() }),
  /** A reply prepared during the end-of-turn silence: the turn really ended, its audio may play. */
  stageEvent('turn-released', { turn: turnId }),
  stageEvent('stt-final', { turn: turnId, text: z.string() }),
  stageEvent('llm-first-token', { turn: turnId }),
  stageEvent('first-fragment', { turn: turnId }),
  stageEvent('tts-first-audio', { turn: turnId }),
  stageEvent('playback-start', { turn: turnId }),
  stageEvent('error', { turn: turnId.nullable(), stage: VoiceStageNameSchema, code: z.string(), message: z.string(), fix: z.string() }),
  stageEvent('turn-end', { turn: turnId, outcome: z.enum([...VoiceTurnOutcomeSchema.options, 'dropped']), reason: z.string().nullable() }),
]);
export type VoiceStageEvent = z.infer<typeof VoiceStageEventSchema>;

/** The outbox kind under which the agent appends each turn. */
export const VOICE_TURN_KIND = 'voice.turn';

/** `jett voice --input FILE --json`. */
export const VoiceRunOutputSchema = z.object({
  input: z.string(),
  test_engines: z.boolean(),
  turn: VoiceTurnRecordSchema,
});
export type VoiceRunOutput = z.infer<typeof VoiceRunOutputSchema>;

/** `jett voice devices --json`. */
export const VoiceDevicesOutputSchema = z.object({
  supported: z.boolean(),
  devices: z.array(z.object({ name: z.string(), description: z.string() })),
  note: z.string().nullable(),
});
export type VoiceDevicesOutput = z.infer<typeof VoiceDevicesOutputSchema>;

