// The capture page's microphone and speaker as the pipeline's AudioSource and AudioSink, over a port that carries
// the messages of contracts/capture.ts. Electron-free: the tray app gives it a MessagePortMain (main/app/capture),
// the tests a relay to a page in headless Chromium. The stream is open only between chunks() and stop().
import { CAPTURE_FRAME_SAMPLES, CAPTURE_SAMPLE_RATE, CaptureReportSchema, type CaptureCommand, type CaptureDevice, type CaptureFailureCode, type CaptureReport, type CaptureStart } from '../contracts/capture.js';
import type { Logger } from '../log/logger.js';
import type { AudioSource } from './capture.js';
import type { AudioSink } from './engines.js';
import { CaptureError, EngineError } from './errors.js';

/** A port the page transferred with a message: a stream's frames, which the capture worker posts there itself. */
export interface TransferredPort {
  /** Every message that arrives on it, unchecked; returns the unsubscribe function. */
  listen(listener: (raw: unknown) => void): () => void;
  close(): void;
}

/** One end of the channel to the capture page. */
export interface CapturePort {
  post(cmd: CaptureCommand): void;
  /**
   * Every message the page sends, unchecked, with the ports it transferred; returns the unsubscribe function. A port
   * that no listener listened to by the time they all returned is closed: a message no one wanted holds nothing open.
   */
  listen(listener: (raw: unknown, ports: readonly TransferredPort[]) => void): () => void;
  /** Called if the page goes away (its window closed, its renderer died); returns the unsubscribe function. */
  closed?(listener: () => void): () => void;
}

/** Reaches the page (creating its window on first use); the host also learns when the microphone opens and closes. */
export interface CapturePage {
  port(): Promise<CapturePort>;
  /** Told true when a stream starts, false when it stops: the tray's "microphone open". */
  microphone?(open: boolean): void;
}

export type CaptureSettings = Omit<CaptureStart, 'type' | 'session'>;

const WINDOWS_PRIVACY = 'open Settings > Privacy & security > Microphone and turn on "Microphone access" and "Let desktop apps access your microphone", then start the turn again';

/** What the page's failure code means for the user, and what to do next. */
export function pageCaptureFailure(code: CaptureFailureCode, detail: string, platform: NodeJS.Platform): CaptureError {
  const said = detail.slice(0, 300);
  switch (code) {
    case 'permission-denied':
      return platform === 'win32'
        ? new CaptureError(`Windows refused Jett the microphone (${said})`, WINDOWS_PRIVACY)
        : new CaptureError(`the system refused Jett the microphone (${said})`, platform === 'darwin' ? 'open System Settings > Privacy & Security > Microphone and allow Jett' : 'check that no sandbox or policy blocks the microphone, then start the turn again');
    case 'no-device':
      return new CaptureError(`no microphone was found (${said})`, 'plug in a microphone, or pick another one on the Microphone screen (voice.captureDevice)');
    case 'device-busy':
      return new CaptureError(
        `the microphone could not be opened (${said})`,
        platform === 'win32' ? `close the program that holds it (a call or a recorder); if none does, ${WINDOWS_PRIVACY}` : 'close the program that holds it (a call or a recorder), or pick another one on the Microphone screen',
      );
    case 'device-ended':
      return new CaptureError(`the microphone went away mid-turn (${said})`, 'plug it back in (or pick another one on the Microphone screen) and start the turn again');
    case 'failed':
      return new CaptureError(`the app's audio capture failed (${said})`, 'start the turn again; if it keeps failing, switch to sox with `jett config set voice.capture sox`');
  }
}

/** A frame as it arrived on this side: its samples, when it arrived (epoch ms) and its audio time. */
export interface ArrivedFrame {
  pcm: Int16Array;
  seq: number;
  arrivedMs: number;
  audioEndMs: number;
  levelDb: number;
}

export interface PageSourceOptions {
  settings: CaptureSettings;
  platform?: NodeJS.Platform;
  /** Each frame as it arrives (the level meter, the benchmark's overhead). */
  onFrame?(frame: ArrivedFrame): void;
  /** Each 'started' report: what the page actually got (device label, whether each processing step is on). */
  onStarted?(started: Extract<CaptureReport, { type: 'started' }>): void;
  wallClock?: () => number;
  /** Told once per stream, as it ends, how much audio the capture lost on the way (none: not told). */
  log?: Pick<Logger, 'warn'>;
}

const FRAME_MS = (CAPTURE_FRAME_SAMPLES * 1000) / CAPTURE_SAMPLE_RATE;
/**
 * Two frames' audio times further apart than a frame by more than this: audio was lost between them (the track
 * dropped chunks while the capture page was stalled). Their timing wobbles by under 10 ms (a chunk placed by its
 * arrival), and a lost chunk is 10 ms: so a single lost chunk goes unnoticed, two and more are counted.
 */
const LOST_AUDIO_MS = 15;

function parseReport(raw: unknown): CaptureReport | null {
  const r = CaptureReportSchema.safeParse(raw);
  return r.success ? r.data : null;
}

/** Streams are numbered across every source of this process, so reports of an earlier one are never mistaken. */
let nextSession = 1;

export class PageCaptureSource implements AudioSource {
  readonly name = 'app';
  private wake: (() => void) | null = null;
  private stopped = false;
  private port: CapturePort | null = null;

  constructor(
    private readonly page: CapturePage,
    private readonly opts: PageSourceOptions,
  ) {}

  async *chunks(): AsyncIterable<Int16Array> {
    this.stopped = false;
    const port = await this.page.port();
    this.port = port;
    const queue: Int16Array[] = [];
    let failure: CaptureError | null = null;
    let ended = false;
    const clock = this.opts.wallClock ?? Date.now;
    const platform = this.opts.platform ?? process.platform;
    const session = nextSession++;
    /** This stream's frame port, once the page sent it (at most one). */
    const framePorts: TransferredPort[] = [];
    const lost = { ms: 0, places: 0, lastEnd: Number.NaN };
    const onFrame = (raw: unknown) => {
      const msg = parseReport(raw);
      if (msg?.type !== 'frame' || msg.session !== session) return;
      const gap = msg.audioEndMs - lost.lastEnd - FRAME_MS;
      if (gap > LOST_AUDIO_MS) {
        lost.ms += gap;
        lost.places++;
      }
      lost.lastEnd = msg.audioEndMs;
      const pcm = new Int16Array(msg.pcm);
      this.opts.onFrame?.({ pcm, seq: msg.seq, arrivedMs: clock(), audioEndMs: msg.audioEndMs, levelDb: msg.levelDb });
      queue.push(pcm);
      this.wake?.();
    };
    const unlisten = port.listen((raw, ports) => {
      const msg = parseReport(raw);
      if (!msg || !('session' in msg) || msg.session !== session) return;
      if (msg.type === 'frames') {
        // One port, once per stream: a second one (or a message with none or several) is left to be closed.
        const framePort = ports[0];
        if (framePorts.length > 0 || ports.length !== 1 || !framePort) return;
        framePorts.push(framePort);
        framePort.listen(onFrame);
        return;
      }
      if (msg.type === 'started') {
        this.page.microphone?.(true);
        this.opts.onStarted?.(msg);
      } else if (msg.type === 'failed') {
        failure = pageCaptureFailure(msg.code, msg.detail, platform);
        ended = true;
      } else if (msg.type === 'stopped') {
        ended = true;
      } else return; // a frame here: frames come on the frame port only
      this.wake?.();
    });
    const unclosed = port.closed?.(() => {
      failure ??= pageCaptureFailure('failed', 'the capture page went away', platform);
      ended = true;
      this.wake?.();
    });
    port.post({ type: 'start', session, ...this.opts.settings });
    try {
      while (!this.stopped) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    } finally {
      unlisten();
      unclosed?.();
      for (const p of framePorts) p.close();
      this.port = null;
      if (!ended) port.post({ type: 'stop' });
      this.page.microphone?.(false);
      if (lost.places > 0) {
        this.opts.log?.warn(`the app's microphone lost about ${Math.round(lost.ms)} ms of audio in ${lost.places === 1 ? 'one place' : `${lost.places} places`} during this stream: the capture page fell behind (a busy machine); words said then were not heard`, { lostMs: Math.round(lost.ms), places: lost.places });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // The stream closes now, not when the consumer next asks for a chunk.
    this.port?.post({ type: 'stop' });
    this.wake?.();
  }
}

/** The page's microphones, for the window's device list (empty labels until a stream was granted once). */
export async function pageDevices(page: CapturePage): Promise<CaptureDevice[]> {
  const port = await page.port();
  return new Promise((resolve) => {
    const unlisten = port.listen((raw) => {
      const msg = parseReport(raw);
      if (msg?.type !== 'devices') return;
      unlisten();
      resolve(msg.devices);
    });
    port.post({ type: 'devices' });
  });
}

/** Replies through the page's <audio> element, so Chromium's echo canceller hears what Jett says. */
export class PagePlaybackSink implements AudioSink {
  readonly name = 'app';
  private rate = 0;
  private port: CapturePort | null = null;
  private draining: { resolve: () => void; reject: (e: Error) => void; unlisten: () => void } | null = null;

  constructor(private readonly page: CapturePage) {}

  async open(sampleRate: number): Promise<void> {
    this.rate = sampleRate;
    this.port = await this.page.port();
  }

  async write(pcm: Int16Array): Promise<void> {
    if (!this.port || pcm.length === 0) return;
    this.port.post({ type: 'play', sampleRate: this.rate, pcm: pcm.slice().buffer });
  }

  async drain(): Promise<void> {
    const port = this.port;
    if (!port) return;
    await new Promise<void>((resolve, reject) => {
      const unlisten = port.listen((raw) => {
        const msg = parseReport(raw);
        if (msg?.type === 'played') this.settle();
        else if (msg?.type === 'play-failed') this.settle(new EngineError(`the app could not play the reply: ${msg.detail}`, 'check the speakers in the system\'s sound settings, or switch to sox with `jett config set voice.capture sox`'));
      });
      const unclosed = port.closed?.(() => this.settle(new EngineError('the app\'s capture page went away while playing the reply', 'start the turn again')));
      this.draining = {
        resolve,
        reject,
        unlisten: () => {
          unlisten();
          unclosed?.();
        },
      };
      port.post({ type: 'drain' });
    });
    this.port = null;
  }

  async stop(): Promise<void> {
    const port = this.port;
    this.port = null;
    port?.post({ type: 'silence' });
    this.settle();
  }

  private settle(err?: Error): void {
    const d = this.draining;
    this.draining = null;
    if (!d) return;
    d.unlisten();
    if (err) d.reject(err);
    else d.resolve();
  }
}
