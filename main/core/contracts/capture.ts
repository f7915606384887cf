// The messages between main and the capture page (the tray app's microphone and speaker in Chromium), over the one
// MessagePort main hands to that page: what main asks, what the page answers, each checked with these schemas on
// arrival. Frames are 32 ms of 16 kHz mono S16, the turn detector's frame, on a port of their own per stream.
import { z } from 'zod';
import { CAPTURE_FRAME_SAMPLES } from './capture-frame.js';

export { CAPTURE_FRAME_SAMPLES, CAPTURE_PORT_CHANNEL, CAPTURE_PORT_MESSAGE, CAPTURE_SAMPLE_RATE } from './capture-frame.js';
/** Replies longer than this in one message are refused (a minute of 48 kHz audio). */
export const MAX_PLAY_SAMPLES = 48_000 * 60;

export const CaptureStartSchema = z.strictObject({
  type: z.literal('start'),
  /** Names this stream: reports carry it, so a late frame or 'stopped' of an earlier stream is told apart. */
  session: z.number().int().nonnegative(),
  /** A deviceId from the page's device list; '' is the system default. */
  deviceId: z.string().max(512),
  echoCancellation: z.boolean(),
  noiseSuppression: z.boolean(),
  autoGainControl: z.boolean(),
});
export type CaptureStart = z.infer<typeof CaptureStartSchema>;

/** Main to page. */
export const CaptureCommandSchema = z.discriminatedUnion('type', [
  CaptureStartSchema,
  z.strictObject({ type: z.literal('stop') }),
  z.strictObject({ type: z.literal('devices') }),
  /** Reply audio (mono S16) for the page's <audio> element, whose playback the echo canceller hears. */
  z.strictObject({ type: z.literal('play'), sampleRate: z.number().int().min(8000).max(48_000), pcm: z.instanceof(ArrayBuffer).refine((b) => b.byteLength % 2 === 0 && b.byteLength / 2 <= MAX_PLAY_SAMPLES, 'whole S16 samples, at most a minute') }),
  /** No more audio for this reply: answered with 'played' once all of it has been heard. */
  z.strictObject({ type: z.literal('drain') }),
  /** Stops the reply at once (barge-in, cancel). */
  z.strictObject({ type: z.literal('silence') }),
]);
export type CaptureCommand = z.infer<typeof CaptureCommandSchema>;

/** Why the page could not capture, each mapped to a message and a fix in main. */
export const CaptureFailureCodeSchema = z.enum(['permission-denied', 'no-device', 'device-busy', 'device-ended', 'failed']);
export type CaptureFailureCode = z.infer<typeof CaptureFailureCodeSchema>;

export const CaptureDeviceSchema = z.strictObject({ deviceId: z.string().max(512), label: z.string().max(512) });
export type CaptureDevice = z.infer<typeof CaptureDeviceSchema>;

/** Page to main. */
export const CaptureReportSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('started'),
    session: z.number().int().nonnegative(),
    label: z.string().max(512),
    /** The microphone track's rate, which the capture worker resamples to 16 kHz; 0 where the engine reports none. */
    trackRate: z.number().int().nonnegative(),
    echoCancellation: z.boolean(),
    noiseSuppression: z.boolean(),
    autoGainControl: z.boolean(),
  }),
  /**
   * Carries (as its one transferred port) the port on which this stream's frames arrive: the capture worker posts
   * them there itself, off the page's main thread. Frames come on that port only.
   */
  z.strictObject({ type: z.literal('frames'), session: z.number().int().nonnegative() }),
  z.strictObject({
    type: z.literal('frame'),
    session: z.number().int().nonnegative(),
    seq: z.number().int().nonnegative(),
    pcm: z.instanceof(ArrayBuffer).refine((b) => b.byteLength === CAPTURE_FRAME_SAMPLES * 2, 'one 512-sample S16 frame'),
    /** Wall-clock time (ms since the epoch) at which the frame's last sample was heard, from the track's capture times. */
    audioEndMs: z.number(),
    /** The frame's level in dBFS, for the level meter. */
    levelDb: z.number(),
  }),
  z.strictObject({ type: z.literal('failed'), session: z.number().int().nonnegative(), code: CaptureFailureCodeSchema, detail: z.string().max(500) }),
  z.strictObject({ type: z.literal('stopped'), session: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('devices'), devices: z.array(CaptureDeviceSchema).max(64) }),
  z.strictObject({ type: z.literal('played') }),
  z.strictObject({ type: z.literal('play-failed'), detail: z.string().max(500) }),
]);
export type CaptureReport = z.infer<typeof CaptureReportSchema>;
