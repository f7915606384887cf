// The reply's sink, seen by the echo gate: every sample handed to the speakers is also placed on the listening
// session's capture clock, and a stop tells the gate that nothing queued will be heard.
import type { EchoGate } from './echo-gate.js';
import type { AudioSink } from './engines.js';

export class EchoTapSink implements AudioSink {
  constructor(
    private readonly inner: AudioSink,
    /** The gate of the listening session now, if any (the microphone may open and close between replies). */
    private readonly gate: () => EchoGate | null,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  async open(sampleRate: number): Promise<void> {
    this.gate()?.opened(sampleRate);
    await this.inner.open(sampleRate);
  }

  async write(pcm: Int16Array): Promise<void> {
    this.gate()?.played(pcm);
    await this.inner.write(pcm);
  }

  drain(): Promise<void> {
    return this.inner.drain();
  }

  async stop(): Promise<void> {
    this.gate()?.stopped();
    await this.inner.stop();
  }
}
