// The microphone through getUserMedia and the capture worklet: open only between 'start' and 'stop'; every failure
// reported with a code main turns into a message the user can act on.
import { type CaptureFailureCode, type CaptureReport, type CaptureStart } from '../../../main/core/contracts/capture.js';
import { clockMapping, type ClockReading } from './audio-clock.js';
import type { WorkletCommand } from './worklet.js';

export type Report = (msg: CaptureReport, transfer?: Transferable[]) => void;

/**
 * How often the page sends the worklet a fresh clock mapping. Between two, frames are placed on the last one: the
 * context's clock and the wall clock part by the output device's drift (parts per million) and by glitches, which
 * the next mapping takes in.
 */
const CLOCK_EVERY_MS = 100;

/** The context's clock now, and the track's input latency (seconds). */
function reading(context: AudioContext, inputLatency: number): ClockReading {
  const ts = context.getOutputTimestamp();
  return { outputContextTime: ts.contextTime, outputPerformanceTime: ts.performanceTime, currentTime: context.currentTime, baseLatency: context.baseLatency, outputLatency: context.outputLatency, now: performance.now(), inputLatency };
}

/** getUserMedia's DOMException names to the codes main knows. */
export function failureCode(err: unknown): CaptureFailureCode {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-device';
  if (name === 'NotReadableError' || name === 'AbortError') return 'device-busy';
  return 'failed';
}

function detail(err: unknown): string {
  return (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500);
}

export class Microphone {
  private stream: MediaStream | null = null;
  private context: AudioContext | null = null;
  /** Bumped by every start and stop, so a start that finishes after a stop closes what it opened. */
  private generation = 0;
  /** The stream main named in its last 'start'. */
  private session = 0;

  constructor(
    private readonly workletUrl: string,
    private readonly report: Report,
  ) {}

  async start(cmd: CaptureStart): Promise<void> {
    await this.close();
    const generation = ++this.generation;
    const session = cmd.session;
    this.session = session;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          ...(cmd.deviceId ? { deviceId: { exact: cmd.deviceId } } : {}),
          echoCancellation: cmd.echoCancellation,
          noiseSuppression: cmd.noiseSuppression,
          autoGainControl: cmd.autoGainControl,
          channelCount: 1,
        },
        video: false,
      });
    } catch (err) {
      if (generation === this.generation) this.report({ type: 'failed', session, code: failureCode(err), detail: detail(err) });
      return;
    }
    if (generation !== this.generation) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    this.stream = stream;
    const track = stream.getAudioTracks()[0];
    if (!track) {
      await this.close();
      this.report({ type: 'failed', session, code: 'no-device', detail: 'the stream has no audio track' });
      return;
    }
    // Unplugged (or taken away by the system) mid-turn: the track ends by itself.
    track.addEventListener('ended', () => {
      if (generation !== this.generation) return;
      void this.close().then(() => this.report({ type: 'failed', session, code: 'device-ended', detail: `"${track.label}" stopped delivering audio` }));
    });
    try {
      // The worklet sees the microphone's input only when the context renders, a whole buffer at a time: a sample
      // waits up to one buffer (10 ms here) before process() runs. The platform's smallest buffer (latencyHint 0:
      // 128 frames here) cut that wait (frames reached Node p95 16-17 ms after their audio time instead of 21-22), but
      // Chromium's bridge from the track into the context then lost or padded audio, with frames through the page or
      // straight from the worklet alike: over the benchmark's 169 s the capture slipped 0.6-2 s against the file in
      // four runs out of four, two of them so broken that most clips got false endpoints (20-690 ms and none with
      // 'interactive', four runs). Losing words costs more than 5 ms.
      const context = new AudioContext({ latencyHint: 'interactive' });
      this.context = context;
      await context.audioWorklet.addModule(this.workletUrl);
      const node = new AudioWorkletNode(context, 'jett-capture', { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
      // The track's input latency (seconds; Chromium reports it, other engines may not).
      const inputLatency = Number((track.getSettings() as MediaTrackSettings & { latency?: number }).latency ?? 0);
      // The worklet posts the frames to main itself, on a port of their own: they never wait for this thread
      // (measured: 1 ms from the worklet to here at the median, up to 46 ms when this thread stalled).
      const frames = new MessageChannel();
      const tell = (cmd: WorkletCommand, transfer: Transferable[] = []) => node.port.postMessage(cmd, transfer);
      tell({ type: 'frames', session }, [frames.port2]);
      this.report({ type: 'frames', session }, [frames.port1]);
      const clock = () => tell({ type: 'clock', ...clockMapping(reading(context, inputLatency), performance.timeOrigin) });
      clock();
      const timer = setInterval(() => (this.context === context ? clock() : clearInterval(timer)), CLOCK_EVERY_MS);
      context.createMediaStreamSource(stream).connect(node);
      await context.resume();
      if (generation !== this.generation) return;
      const s = track.getSettings();
      this.report({
        type: 'started',
        session,
        label: track.label.slice(0, 512),
        contextRate: context.sampleRate,
        echoCancellation: s.echoCancellation === true,
        noiseSuppression: s.noiseSuppression === true,
        autoGainControl: s.autoGainControl === true,
      });
    } catch (err) {
      await this.close();
      if (generation === this.generation) this.report({ type: 'failed', session, code: 'failed', detail: detail(err) });
    }
  }

  async stop(): Promise<void> {
    this.generation++;
    await this.close();
    this.report({ type: 'stopped', session: this.session });
  }

  async devices(): Promise<void> {
    const all = await navigator.mediaDevices.enumerateDevices();
    const devices = all.filter((d) => d.kind === 'audioinput').map((d) => ({ deviceId: d.deviceId.slice(0, 512), label: d.label.slice(0, 512) }));
    this.report({ type: 'devices', devices: devices.slice(0, 64) });
  }

  private async close(): Promise<void> {
    const { stream, context } = this;
    this.stream = null;
    this.context = null;
    for (const t of stream?.getTracks() ?? []) t.stop();
    await context?.close().catch(() => undefined);
  }
}
