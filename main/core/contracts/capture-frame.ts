// The capture page's frame, without zod: the worklet (on Chromium's audio thread) imports only these numbers.
export const CAPTURE_SAMPLE_RATE = 16_000;
/** 512 samples: Silero's frame at 16 kHz (main/core/voice/vad.ts FRAME_SAMPLES; a test keeps the two equal). */
export const CAPTURE_FRAME_SAMPLES = 512;
