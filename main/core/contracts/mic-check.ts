// The settings window's microphone screen: the app's microphones (from the capture page), the "say something" test's
// argument and result, and the level the meter shows while the test runs. Main validates each with these schemas.
import { z } from 'zod';
import { CaptureDeviceSchema } from './capture.js';

/** The longest a test may keep the microphone open, in ms (the window asks for less; main enforces this cap). */
export const MIC_TEST_MAX_MS = 20_000;

export const MicrophonesViewSchema = z.strictObject({
  devices: z.array(CaptureDeviceSchema).max(64),
  /** voice.captureDevice: '' is the system default. */
  selected: z.string().max(512),
  /** The saved device is not among `devices` now (unplugged): it stays chosen, shown as missing. */
  selectedMissing: z.boolean(),
  /** voice.capture: the app's own capture ("app") or sox; with sox the turns do not use this list. */
  capture: z.enum(['app', 'sox']),
});
export type MicrophonesView = z.infer<typeof MicrophonesViewSchema>;

export const MicTestArgsSchema = z.strictObject({
  /** The device to test (a deviceId from the list, '' for the system default); it need not be saved yet. */
  deviceId: z.string().max(512),
});
export type MicTestArgs = z.infer<typeof MicTestArgsSchema>;

export const MicTestResultSchema = z.strictObject({
  /** The device label the page reported once the stream started ('' if it never started). */
  label: z.string().max(512),
  /** Why the recording ended: the VAD ended the turn, it ran into its limit, or it was stopped. */
  ended: z.enum(['turn-end', 'time-limit', 'stopped']),
  /** Audio recorded, in ms. */
  recordedMs: z.number().nonnegative(),
  /** The loudest frame, in dBFS (-120 for silence). */
  peakDb: z.number(),
  /** What the VAD heard, on the recording's own clock (ms from its first sample); null when it heard no speech. */
  speech: z.strictObject({ startMs: z.number().nonnegative(), endMs: z.number().nonnegative() }).nullable(),
  /** The speech-to-text model's words for the speech, where a model is loaded. */
  transcript: z.strictObject({ text: z.string().max(4000), model: z.string().max(200) }).nullable(),
  /** Why there is no transcript (no model installed, no speech heard), else null. */
  transcriptNote: z.string().max(500).nullable(),
});
export type MicTestResult = z.infer<typeof MicTestResultSchema>;

/** What the meter shows: the loudest frame since the last update, and whether the VAD is inside speech. */
export const MicLevelSchema = z.strictObject({ db: z.number().min(-120).max(0), speaking: z.boolean() });
export type MicLevel = z.infer<typeof MicLevelSchema>;
