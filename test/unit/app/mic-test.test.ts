// The microphone screen's test in main, on a capture page stand-in that speaks the message contract: it records until
// the VAD ends the turn or its limit, sends the window one level per two frames, and says what it heard; the
// microphone is open only while it runs (stopped by the window, by a voice turn taking the microphone, or when frames
// stop coming); it refuses to start while voice holds the microphone or another test runs; the device list keeps a
// saved, unplugged device, marked missing.
import { describe, expect, it } from 'vitest';
import { MicTestService, type MicTestDeps } from '../../../main/app/capture/mic-test.js';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { CaptureCommandSchema, type CaptureCommand } from '../../../main/core/contracts/capture.js';
import type { MicLevel } from '../../../main/core/contracts/mic-check.js';
import { JettError } from '../../../main/core/errors.js';
import type { CapturePage, CapturePort, TransferredPort } from '../../../main/core/voice/page-capture.js';
import { FakeFramePort } from '../../helpers/fake-frame-port.js';
import type { FrameClassifier } from '../../../main/core/voice/vad.js';
import { FakeAgent, snapshot } from './helpers.js';

const FRAME = 512;
const LOUD = 8000;

/** A frame is speech when it is loud: the endpointer's decisions then fall on known frames. */
const loudnessVad: FrameClassifier = {
  probability: async (frame) => (Math.abs(frame[0] ?? 0) > 0.1 ? 0.95 : 0.02),
  reset: () => {},
};

function frames(n: number, value: number): Int16Array[] {
  return Array.from({ length: n }, () => new Int16Array(FRAME).fill(value));
}

/** The capture page as main sees it: 'start' opens a stream, which plays `script` (if any) and then what `hear` gives. */
class FakePage implements CapturePage {
  readonly commands: CaptureCommand[] = [];
  readonly mic: boolean[] = [];
  devices = [
    { deviceId: 'default', label: 'Default' },
    { deviceId: 'abc123', label: 'USB Microphone' },
  ];
  private readonly listeners = new Set<(raw: unknown, ports: readonly TransferredPort[]) => void>();
  /** The open stream's frame port. */
  frames: FakeFramePort | null = null;
  private session: number | null = null;
  private seq = 0;
  constructor(private readonly script: Int16Array[] = []) {}
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
  async port() {
    return this.end;
  }
  microphone(open: boolean) {
    this.mic.push(open);
  }
  get open() {
    return this.session !== null;
  }
  hear(pcm: Int16Array[]) {
    const session = this.session;
    if (session === null) return;
    for (const f of pcm) {
      const rms = Math.sqrt(f.reduce((a, s) => a + s * s, 0) / f.length) / 32768;
      this.frames?.send({ type: 'frame', session, seq: this.seq++, pcm: f.slice().buffer, audioEndMs: Date.now(), levelDb: rms > 0 ? 20 * Math.log10(rms) : -120 });
    }
  }
  private send(msg: unknown, ports: FakeFramePort[] = []) {
    for (const l of [...this.listeners]) l(msg, ports);
    for (const p of ports) if (!p.taken) p.close();
  }
  private handle(cmd: CaptureCommand) {
    if (cmd.type === 'start') {
      this.session = cmd.session;
      this.frames = new FakeFramePort();
      this.send({ type: 'frames', session: cmd.session }, [this.frames]);
      this.send({ type: 'started', session: cmd.session, label: 'USB Microphone', trackRate: 48000, echoCancellation: true, noiseSuppression: true, autoGainControl: true });
      this.hear(this.script);
    } else if (cmd.type === 'stop') {
      const s = this.session;
      this.session = null;
      if (s !== null) this.send({ type: 'stopped', session: s });
    } else if (cmd.type === 'devices') this.send({ type: 'devices', devices: this.devices });
  }
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  return cond();
};

function service(page: FakePage | null, over: Partial<MicTestDeps> & { captureDevice?: string } = {}) {
  const agent = over.agent instanceof FakeAgent ? over.agent : new FakeAgent();
  const levels: MicLevel[] = [];
  const config = ConfigSchema.parse({ voice: { captureDevice: over.captureDevice ?? '' } });
  const svc = new MicTestService({ page, config: () => config, agent, loadVad: async () => loudnessVad, sendLevel: (l) => levels.push(l), platform: 'linux', limitMs: 1000, ...over });
  return { svc, agent, levels };
}

describe('the microphone test', () => {
  it('records until the VAD ends the turn and reports where the speech was, its peak, and the transcript from the agent', async () => {
    // 0.32 s of silence, 0.64 s of speech, then silence: 10, 20, 30 frames of 32 ms.
    const page = new FakePage([...frames(10, 0), ...frames(20, LOUD), ...frames(30, 0)]);
    const agent = new FakeAgent();
    agent.transcript = { text: 'turn off the heating', model: 'whisper-base (cpu)' };
    const { svc, levels } = service(page, { agent, limitMs: 5000 });
    const r = await svc.test('abc123');
    expect(r).toMatchObject({ label: 'USB Microphone', ended: 'turn-end', speech: { startMs: 320, endMs: 960 }, transcript: { text: 'turn off the heating', model: 'whisper-base (cpu)' }, transcriptNote: null });
    expect(r.peakDb).toBeCloseTo(20 * Math.log10(LOUD / 32768), 1);
    // The turn ends 300 ms (10 frames) into the silence: 40 frames recorded, 20 levels sent (one per two frames).
    expect(r.recordedMs).toBe(40 * 32);
    expect(levels).toHaveLength(20);
    expect(levels[2]).toEqual({ db: -120, speaking: false });
    expect(levels[10]).toMatchObject({ speaking: true });
    expect(levels[10]!.db).toBeGreaterThan(-15);
    // The device asked for, the app's processing settings; opened once and closed.
    expect(page.commands[0]).toMatchObject({ type: 'start', deviceId: 'abc123', echoCancellation: true });
    expect(page.commands.map((c) => c.type)).toEqual(['start', 'stop']);
    expect(page.mic).toEqual([true, false]);
    expect(agent.transcribed).toHaveLength(1);
  });

  it('hearing nobody, ends at its limit and says there was no speech to transcribe', async () => {
    const page = new FakePage(frames(100, 3));
    const { svc, agent } = service(page);
    const r = await svc.test('');
    expect(r).toMatchObject({ ended: 'time-limit', speech: null, transcript: null, transcriptNote: 'no speech was heard, so there is nothing to transcribe' });
    expect(r.recordedMs).toBeGreaterThanOrEqual(1000);
    expect(r.recordedMs).toBeLessThan(1000 + 32);
    expect(page.commands.map((c) => c.type)).toEqual(['start', 'stop']);
    expect(agent.transcribed).toHaveLength(0);
  });

  it('with no speech model, passes on the agent\'s reason', async () => {
    const page = new FakePage([...frames(10, LOUD), ...frames(20, 0)]);
    const { svc } = service(page);
    const r = await svc.test('');
    expect(r.transcript).toBeNull();
    expect(r.transcriptNote).toBe('no speech-to-text model is installed: Models tab');
  });

  it('stop() ends it at once, reporting the speech heard so far, and closes the microphone', async () => {
    const page = new FakePage();
    const { svc, levels } = service(page);
    const running = svc.test('');
    await until(() => page.open);
    page.hear(frames(10, LOUD));
    await until(() => levels.length === 5);
    expect(svc.stop()).toBe(true);
    const r = await running;
    expect(r.ended).toBe('stopped');
    expect(r.speech).toEqual({ startMs: 0, endMs: expect.any(Number) });
    expect(page.open).toBe(false);
    expect(page.mic).toEqual([true, false]);
    expect(svc.stop()).toBe(false);
  });

  it('gives way to a voice turn that wants the microphone', async () => {
    const page = new FakePage();
    const { svc, agent } = service(page);
    const running = svc.test('');
    await until(() => page.open);
    agent.bus.emit('voice.state', { state: 'listening', at: new Date().toISOString() });
    expect((await running).ended).toBe('stopped');
    expect(page.open).toBe(false);
  });

  it('ends when frames stop coming (another stream took the microphone), not never', async () => {
    const page = new FakePage();
    const { svc } = service(page, { limitMs: 100 });
    const r = await svc.test('');
    expect(r.ended).toBe('time-limit');
    expect(page.open).toBe(false);
  }, 10_000);

  it('refuses to start while voice holds the microphone, or while another test runs; opens nothing', async () => {
    const page = new FakePage();
    const agent = new FakeAgent();
    agent.current = snapshot({ voice: { state: 'listening' } });
    const { svc } = service(page, { agent });
    const err = await svc.test('').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JettError);
    expect((err as JettError).message).toBe('Jett is using the microphone (voice is listening)');
    expect((err as JettError).fix).toMatch(/pause hands-free from the tray menu/);
    expect(page.commands).toEqual([]);

    agent.current = snapshot();
    const first = svc.test('');
    await until(() => page.open);
    const second = await svc.test('').catch((e: unknown) => e);
    expect((second as JettError).message).toBe('a microphone test is already running');
    expect(page.commands.filter((c) => c.type === 'start')).toHaveLength(1);
    svc.stop();
    await first;
  });

  it('lists the page\'s devices; a saved device that is not among them stays selected, marked missing', async () => {
    const page = new FakePage();
    expect(await service(page, { captureDevice: 'unplugged' }).svc.microphones()).toEqual({ devices: page.devices, selected: 'unplugged', selectedMissing: true, capture: 'app' });
    expect((await service(page, { captureDevice: 'abc123' }).svc.microphones()).selectedMissing).toBe(false);
    expect((await service(page).svc.microphones()).selectedMissing).toBe(false);
    expect(page.commands.map((c) => c.type)).toEqual(['devices', 'devices', 'devices']);
  });

  it('a page that never lists its devices gives the window an error instead of a wait without end', async () => {
    const silent: CapturePage = { port: async () => ({ post: () => {}, listen: () => () => {} }) };
    await expect(service(null, { page: silent, listTimeoutMs: 50 }).svc.microphones()).rejects.toThrow('the capture page did not list its microphones');
  });

  it('without a capture page, says how to get one', async () => {
    await expect(service(null).svc.test('')).rejects.toThrow('this app has no capture page');
  });
});
