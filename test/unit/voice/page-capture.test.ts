// The pipeline on the capture page's source and sink, with a page stand-in that speaks the message contract
// (contracts/capture.ts): the microphone is open only while Jett listens (one turn with the hotkey, always in
// hands-free), the reply goes to the page as 'play' messages and ends when the page says it was heard; bad messages
// and reports of an earlier stream are ignored; each failure code becomes an error that says what to do.
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureCommandSchema, type CaptureCommand } from '../../../main/core/contracts/capture.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import { PageCaptureSource, PagePlaybackSink, pageCaptureFailure, type CapturePage, type CapturePort, type PageSourceOptions, type TransferredPort } from '../../../main/core/voice/page-capture.js';
import { FakeFramePort } from '../../helpers/fake-frame-port.js';
import { VoicePipeline } from '../../../main/core/voice/pipeline.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from '../../../main/core/voice/test-engines.js';
import { loudness, silence, speech } from './scripted.js';

const SETTINGS = { deviceId: '', echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/** The page, as far as main can tell: it answers 'start' with 'started' and the audio it is told to "hear". */
class FakePage implements CapturePage {
  readonly commands: CaptureCommand[] = [];
  readonly mic: boolean[] = [];
  readonly played: Int16Array[] = [];
  private readonly listeners = new Set<(raw: unknown, ports: readonly TransferredPort[]) => void>();
  /** The open stream's frame port. */
  frames: FakeFramePort | null = null;
  private session: number | null = null;
  private seq = 0;
  private readonly end: CapturePort = {
    post: (cmd) => {
      this.commands.push(CaptureCommandSchema.parse(cmd));
      queueMicrotask(() => this.handle(cmd));
    },
    listen: (l) => {
      this.listeners.add(l);
      return () => void this.listeners.delete(l);
    },
  };

  async port(): Promise<CapturePort> {
    return this.end;
  }

  microphone(open: boolean): void {
    this.mic.push(open);
  }

  get open(): boolean {
    return this.session !== null;
  }

  /** The microphone hears `pcm` (as 512-sample frames), if a stream is open. */
  hear(pcm: Int16Array): void {
    const session = this.session;
    if (session === null) return;
    for (let at = 0; at + 512 <= pcm.length; at += 512) {
      this.frames?.send({ type: 'frame', session, seq: this.seq++, pcm: pcm.slice(at, at + 512).buffer, audioEndMs: Date.now(), levelDb: -30 });
    }
  }

  send(msg: unknown, ports: FakeFramePort[] = []): void {
    for (const l of [...this.listeners]) l(msg, ports);
    for (const p of ports) if (!p.taken) p.close();
  }

  private handle(cmd: CaptureCommand): void {
    if (cmd.type === 'start') {
      this.session = cmd.session;
      this.frames = new FakeFramePort();
      this.send({ type: 'frames', session: cmd.session }, [this.frames]);
      this.send({ type: 'started', session: cmd.session, label: 'Fake mic', trackRate: 48000, echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    } else if (cmd.type === 'stop') {
      const s = this.session;
      this.session = null;
      if (s !== null) this.send({ type: 'stopped', session: s });
    } else if (cmd.type === 'play') this.played.push(new Int16Array(cmd.pcm));
    else if (cmd.type === 'drain') this.send({ type: 'played' });
  }
}

const logger = createLogger({ sink: () => undefined, format: 'json' });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  return cond();
};

/** A stream opened on a fake page: its first chunk asked for, the page's stream started. */
async function openStream(options: Partial<PageSourceOptions> = {}) {
  const page = new FakePage();
  const source = new PageCaptureSource(page, { settings: SETTINGS, ...options });
  const iter = source.chunks()[Symbol.asyncIterator]();
  const first = iter.next();
  await until(() => page.open);
  return { page, source, iter, first, session: (page.commands[0] as { session: number }).session };
}

function pipelineOn(page: FakePage, activation: 'hotkey' | 'handsFree') {
  return new VoicePipeline({
    engines: { stt: new ScriptedSpeechToText({ text: () => 'turn on the lights' }), llm: new ScriptedLanguageModel({ reply: 'Done.' }), tts: new ToneTextToSpeech({ msPerWord: 20 }) },
    sink: new PagePlaybackSink(page),
    vad: loudness,
    openSource: () => new PageCaptureSource(page, { settings: SETTINGS, platform: 'win32' }),
    logger,
    options: { activation, bargeIn: 'off', endpoint: { ...DEFAULT_ENDPOINT, preemptMs: 0 }, memoryTurns: 0, systemPrompt: 'be brief' },
  });
}

let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

describe('the microphone through the capture page', () => {
  it('with the hotkey: closed until the turn starts, open while the user speaks, closed again once the turn ended', async () => {
    const page = new FakePage();
    const pipeline = pipelineOn(page, 'hotkey');
    stops.push(() => pipeline.stop());
    const turn = new Promise((resolve) => pipeline.onTurn(resolve));
    await pipeline.start();
    expect(page.open).toBe(false);
    expect(page.commands).toEqual([]);
    await pipeline.toggle();
    expect(await until(() => page.open)).toBe(true);
    page.hear(silence(200));
    page.hear(speech(800));
    page.hear(silence(600));
    await turn;
    expect(page.open).toBe(false);
    expect(page.mic).toEqual([true, false]);
    expect(page.commands.filter((c) => c.type === 'start' || c.type === 'stop').map((c) => c.type)).toEqual(['start', 'stop']);
    // The reply went to the page's <audio> element, and the turn waited for it to be heard.
    expect(page.played.length).toBeGreaterThan(0);
    expect(page.commands.at(-1)?.type).toBe('drain');
  });

  it('hands-free: open from the start, and closed when voice stops', async () => {
    const page = new FakePage();
    const pipeline = pipelineOn(page, 'handsFree');
    await pipeline.start();
    expect(await until(() => page.open)).toBe(true);
    await pipeline.stop();
    expect(await until(() => !page.open)).toBe(true);
    expect(page.mic).toEqual([true, false]);
  });

  it('ignores malformed messages and the reports of an earlier stream', async () => {
    const { page, source, iter, first, session } = await openStream();
    page.frames?.send({ type: 'frame', session: 9999, seq: 0, pcm: new ArrayBuffer(1024), audioEndMs: 0, levelDb: 0 });
    page.send({ type: 'stopped', session: 9999 });
    page.frames?.send({ type: 'frame', session, seq: 1, pcm: new ArrayBuffer(1000), audioEndMs: 0, levelDb: 0 });
    page.frames?.send({ type: 'started', session, label: 'x', trackRate: 48000, echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    page.send({ type: 'failed', code: 'no-device' });
    page.send('not a message');
    page.hear(speech(32));
    const got = await first;
    expect(got.value).toEqual(speech(32));
    await source.stop();
    expect((await iter.next()).done).toBe(true);
  });

  it("takes frames only from the stream's one frame port, and closes every other port the page sends", async () => {
    const { page, source, iter, first, session } = await openStream();
    const framePort = page.frames as FakeFramePort;
    expect(framePort.taken).toBe(true);
    // A frame on the page's own port: frames come on the frame port only.
    page.send({ type: 'frame', session, seq: 0, pcm: speech(32).buffer, audioEndMs: 0, levelDb: 0 });
    // A second frame port for the same stream, one for another stream, two ports in one message, a port with a
    // message that is not 'frames': none is taken, each is closed at once, and frames sent on them go nowhere.
    const second = new FakeFramePort();
    const other = new FakeFramePort();
    const pair = [new FakeFramePort(), new FakeFramePort()];
    const stray = new FakeFramePort();
    page.send({ type: 'frames', session }, [second]);
    page.send({ type: 'frames', session: session + 1000 }, [other]);
    page.send({ type: 'frames', session }, pair);
    page.send({ type: 'started', session, label: 'x', trackRate: 48000, echoCancellation: true, noiseSuppression: true, autoGainControl: true }, [stray]);
    for (const p of [second, other, ...pair, stray]) {
      expect(p.closed).toBe(true);
      p.send({ type: 'frame', session, seq: 0, pcm: speech(32).buffer, audioEndMs: 0, levelDb: 0 });
    }
    // The first chunk is what the frame port carried, not the louder frames sent elsewhere.
    page.hear(silence(32));
    expect((await first).value).toEqual(silence(32));
    // The stream's end closes its frame port.
    await source.stop();
    expect((await iter.next()).done).toBe(true);
    expect(framePort.closed).toBe(true);
  });

  it('says once, as the stream ends, how much audio the page lost on the way; steady frames and their wobble say nothing', async () => {
    const warned: string[] = [];
    const run = async (ends: number[]) => {
      const { page, source, iter, first, session } = await openStream({ log: { warn: (m) => void warned.push(m) } });
      ends.forEach((audioEndMs, seq) => page.frames?.send({ type: 'frame', session, seq, pcm: speech(32).buffer, audioEndMs, levelDb: -30 }));
      await first;
      await source.stop();
      while (!(await iter.next()).done);
    };
    const T = 1_796_000_000_000;
    // 32 ms apart, give or take the 9 ms a chunk placed by its arrival may wobble.
    await run([0, 32, 73, 96, 128, 151, 192].map((d) => T + d));
    expect(warned).toEqual([]);
    // 100 ms lost after the second frame, 40 ms after the fourth.
    await run([0, 32, 164, 196, 268, 300].map((d) => T + d));
    expect(warned).toEqual(["the app's microphone lost about 140 ms of audio in 2 places during this stream: the capture page fell behind (a busy machine); words said then were not heard"]);
  });

  it('refuses a reply larger than a minute at 48 kHz, and commands of the wrong shape', () => {
    expect(CaptureCommandSchema.safeParse({ type: 'play', sampleRate: 24000, pcm: new ArrayBuffer(48_000 * 60 * 2 + 2) }).success).toBe(false);
    expect(CaptureCommandSchema.safeParse({ type: 'play', sampleRate: 24000, pcm: new ArrayBuffer(3) }).success).toBe(false);
    expect(CaptureCommandSchema.safeParse({ type: 'start', session: 1, deviceId: '', echoCancellation: true, noiseSuppression: true, autoGainControl: true, video: true }).success).toBe(false);
  });
});

describe('capture failures', () => {
  it('each says what happened and what to do; Windows privacy settings are named where they are the cause', () => {
    const denied = pageCaptureFailure('permission-denied', 'NotAllowedError: Permission denied by system', 'win32');
    expect(denied.message).toBe('Windows refused Jett the microphone (NotAllowedError: Permission denied by system)');
    expect(denied.fix).toMatch(/^open Settings > Privacy & security > Microphone and turn on "Microphone access" and "Let desktop apps access your microphone"/);
    expect(pageCaptureFailure('device-busy', 'NotReadableError: Could not start audio source', 'win32').fix).toMatch(/Let desktop apps access your microphone/);
    expect(pageCaptureFailure('no-device', 'NotFoundError: Requested device not found', 'linux').fix).toMatch(/plug in a microphone/);
    expect(pageCaptureFailure('device-ended', '"USB mic" stopped delivering audio', 'linux').message).toMatch(/went away mid-turn/);
    expect(pageCaptureFailure('failed', 'x', 'linux').fix).toMatch(/jett config set voice.capture sox/);
  });
});
