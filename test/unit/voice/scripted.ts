// Deterministic parts for the pipeline's unit tests: a loudness "VAD", scripted audio, a microphone the test talks
// into, and a sink that counts writes (and any write after a stop).
import type { AudioSource } from '../../../main/core/voice/capture.js';
import type { AudioSink } from '../../../main/core/voice/engines.js';
import { AsyncQueue } from '../../../main/core/voice/queue.js';
import type { FrameClassifier } from '../../../main/core/voice/vad.js';

/** Speech probability from loudness: enough to drive the control flow without the model. */
export const loudness: FrameClassifier = {
  probability: async (f) => (f.reduce((m, x) => Math.max(m, Math.abs(x)), 0) > 0.1 ? 0.95 : 0.02),
  reset: () => undefined,
};

export const speech = (ms: number) => new Int16Array((ms * 16_000) / 1000).fill(8000);
export const silence = (ms: number) => new Int16Array((ms * 16_000) / 1000);

/** A microphone the test talks into, chunk by chunk. */
export class ScriptedMic implements AudioSource {
  readonly name = 'scripted';
  readonly queue = new AsyncQueue<Int16Array>();
  stopped = false;
  say(...parts: Int16Array[]): void {
    for (const p of parts) for (let at = 0; at < p.length; at += 512) this.queue.push(p.subarray(at, at + 512));
  }
  chunks(): AsyncIterable<Int16Array> {
    return this.queue;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.close(true);
  }
}

/** Records writes, and any write that comes after a stop (there must be none). */
export class CheckingSink implements AudioSink {
  readonly name = 'checking';
  writes = 0;
  writesAfterStop = 0;
  stops = 0;
  opens = 0;
  private stopped = false;
  onWrite: (() => void) | null = null;
  async open(): Promise<void> {
    this.opens++;
    this.stopped = false;
  }
  async write(): Promise<void> {
    if (this.stopped) this.writesAfterStop++;
    this.writes++;
    this.onWrite?.();
    // Real playback takes time: 20 ms chunks played at 10x speed.
    await new Promise((r) => setTimeout(r, 2));
  }
  async drain(): Promise<void> {}
  async stop(): Promise<void> {
    this.stopped = true;
    this.stops++;
  }
}
