// The capture page's frame and port names, without zod: the capture worker and the capture preload import only
// these.
export const CAPTURE_SAMPLE_RATE = 16_000;
/** 512 samples: Silero's frame at 16 kHz (main/core/voice/vad.ts FRAME_SAMPLES; a test keeps the two equal). */
export const CAPTURE_FRAME_SAMPLES = 512;
/** The IPC message by which main sends the port to the capture page's preload. */
export const CAPTURE_PORT_CHANNEL = 'capture:port';
/** The message with which the preload hands the port to the page (window.postMessage's data). */
export const CAPTURE_PORT_MESSAGE = 'jett-capture-port';
