// Voice history: what the window's history screen and `jett voice history [--json]` ask for and get back, and how
// a deletion is asked for (one turn, several, or all). The deletion itself is a redaction (contracts/redaction.ts).
import { z } from 'zod';
import { RedactionResultSchema } from './redaction.js';
import { VoiceTurnRecordSchema } from './voice.js';

export const VOICE_HISTORY_MAX = 500;

export const VoiceHistoryQuerySchema = z.strictObject({
  /** Plain text matched in the transcript or the reply, case-insensitively. */
  search: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(VOICE_HISTORY_MAX).default(100),
  /** A turn's `at`: the turns before it (the next page). */
  before: z.string().max(40).optional(),
});
export type VoiceHistoryQuery = z.input<typeof VoiceHistoryQuerySchema>;

/** `jett voice history --json`: past turns, newest first, each as the pipeline recorded it (latencies included). */
export const VoiceHistorySchema = z.array(VoiceTurnRecordSchema);

/** Delete these turns, or (`all`) every turn: here at once, on the VPS through the outbox. */
export const VoiceHistoryDeleteSchema = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(200)).min(1).max(VOICE_HISTORY_MAX) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type VoiceHistoryDelete = z.infer<typeof VoiceHistoryDeleteSchema>;

export const VoiceHistoryDeleteResultSchema = RedactionResultSchema;
