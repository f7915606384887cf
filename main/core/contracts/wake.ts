// The wake word's shapes: the heads one can choose, and `jett voice wake --input FILE --json`.
import { z } from 'zod';

/** openWakeWord's pre-trained heads that ship in resources/models/openwakeword. */
export const WAKE_WORDS = ['hey_jarvis', 'hey_mycroft', 'alexa', 'hey_rhasspy'] as const;
export const WakeWordSchema = z.enum(WAKE_WORDS);
export type WakeWord = z.infer<typeof WakeWordSchema>;

export const DEFAULT_WAKE_THRESHOLD = 0.5;

/** One detection in a file: when the score first rose over the threshold (the end of that 80 ms chunk). */
export const WakeFileDetectionSchema = z.object({
  time_s: z.number(),
  score: z.number(),
  /** Where the phrase is estimated to end: what follows is the question. */
  phrase_end_s: z.number(),
});

export const WakeFileReportSchema = z.object({
  file: z.string(),
  word: WakeWordSchema,
  threshold: z.number(),
  duration_s: z.number(),
  /** The highest score anywhere in the file (after warm-up), to tune the threshold against. */
  max_score: z.number(),
  detections: z.array(WakeFileDetectionSchema),
});
export type WakeFileReport = z.infer<typeof WakeFileReportSchema>;
