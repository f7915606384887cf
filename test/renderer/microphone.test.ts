// The Microphone screen in headless Chromium over the real bridge (the real preload, IPC registration and handlers)
// and the real capture page, whose fake microphone plays a WAV of espeak-ng speech with silence around it: the
// device list comes from the capture page, a saved device that is unplugged stays chosen and marked missing; the
// "say something" test's meter moves with the speech and rests in the silence, and the test reports the speech where
// the WAV has it; the microphone is open only while a test runs; hostile messages on the new channels are refused
// before anything opens the microphone. Screenshots go to test/artifacts/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MicTestService } from '../../main/app/capture/mic-test.js';
import type { Handlers } from '../../main/app/ipc/register.js';
import { CaptureReportSchema } from '../../main/core/contracts/capture.js';
import type { MicLevel } from '../../main/core/contracts/mic-check.js';
import { openRuntime, type Runtime } from '../../main/core/runtime.js';
import { LEVEL_EVERY_FRAMES } from '../../main/core/voice/mic-check.js';
import type { CapturePage } from '../../main/core/voice/page-capture.js';
import { FRAME_SAMPLES, SileroVad } from '../../main/core/voice/vad.js';
import { alignment } from '../helpers/app-capture.js';
import { concat, makeClip, writeWav, type Clip } from '../helpers/audio.js';
import { binary, describeWith } from '../helpers/requirements.js';
import { tempDir } from '../helpers/tmp.js';
import { windowHandlers } from '../helpers/window-handlers.js';
import { FakeAgent } from '../unit/app/helpers.js';
import { launchWithMicrophone, openCapturePage, serveRenderer, type OpenedCapturePage } from './capture-page.js';
import { doneSetup } from './done-checklist.js';
import { buildRenderer, openWindow, screenshot } from './page.js';
import { connectRealBridge, realBridgeScript, type RealBridge } from './real-bridge.js';

const toMs = (samples: number) => (samples * 1000) / 16_000;

describeWith([binary('chromium'), binary('espeak-ng')], 'the Microphone screen (headless Chromium, real bridge, fake microphone from a WAV)', () => {
  let browser: Browser;
  let rendererDir: string;
  let server: Awaited<ReturnType<typeof serveRenderer>>;
  let script: string;
  let runtime: Runtime;
  let capture: OpenedCapturePage;
  let clip: Clip;
  let vad: SileroVad;
  const agent = new FakeAgent();
  /** The tray's "microphone open" mark, as the capture host would be told. */
  const opened: boolean[] = [];
  /** Every frame the capture page sent, by stream: what the test recorded. */
  const frames = new Map<number, Int16Array[]>();
  /** Every level main pushed to the window. */
  const levels: MicLevel[] = [];
  let bridge: RealBridge;
  let handlers: Handlers;
  const problems: string[] = [];
  /** What main logged as refused (the hostile messages' test expects its own). */
  const warnings: string[] = [];

  beforeAll(async () => {
    rendererDir = tempDir('jett-mic-renderer-');
    await buildRenderer(rendererDir);
    server = await serveRenderer(rendererDir);
    script = await realBridgeScript();
    // A second of silence (the noise floor), the sentence, then silence: the fake device plays it from its start.
    clip = await makeClip(['Please turn off the heating in the kitchen'], { leadMs: 1000, tailMs: 3000 });
    const wav = path.join(tempDir('jett-mic-wav-'), 'speech.wav');
    writeWav(wav, clip.pcm);
    browser = await launchWithMicrophone(wav);
    capture = await openCapturePage(browser, server.origin);
    const port = await capture.port();
    // Each stream's frames arrive on the port its 'frames' report carries.
    port.listen((raw, ports) => {
      if (CaptureReportSchema.safeParse(raw).data?.type !== 'frames') return;
      ports[0]?.listen((f) => {
        const msg = CaptureReportSchema.safeParse(f);
        if (msg.success && msg.data.type === 'frame') frames.set(msg.data.session, [...(frames.get(msg.data.session) ?? []), new Int16Array(msg.data.pcm)]);
      });
    });
    const page: CapturePage = { port: () => capture.port(), microphone: (open) => opened.push(open) };
    vad = await SileroVad.load();
    const home = tempDir('jett-mic-home-');
    runtime = openRuntime({ env: { ...process.env, JETT_HOME: home, JETT_SECRET_STORE: 'file' }, platform: 'linux' });
    // A microphone chosen earlier that is not plugged in now: it must stay chosen, marked missing.
    runtime.config.set('voice.captureDevice', 'usb-headset-unplugged');
    const microphone = new MicTestService({
      page,
      config: () => runtime.config.load(),
      agent,
      loadVad: async () => vad,
      sendLevel: (level) => {
        levels.push(level);
        void bridge.emit('voice:micLevel', level).catch(() => undefined);
      },
      platform: 'linux',
    });
    handlers = windowHandlers(runtime, agent, {
      microphone,
      models: { list: async () => ({ models: [], error: 'not in this test', speech: { dir: home, models: [], error: null } }), pull: async () => {} },
      setup: doneSetup(agent),
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await vad?.close();
    expect(problems).toEqual([]);
    expect(capture?.problems ?? []).toEqual([]);
  });

  async function open(): Promise<Page> {
    const win = await openWindow(browser, rendererDir, script, '#microphone', async (p) => {
      bridge = await connectRealBridge(p, handlers, { warn: (m) => warnings.push(m), error: (m) => problems.push(m) });
    });
    win.page.on('pageerror', (e) => problems.push(e.message));
    await win.page.waitForSelector('#mic-device[data-loaded]');
    // Every value the meter showed, in order (the page's own record, read after the test).
    await win.page.evaluate(() => {
      const w = window as unknown as { meterSeen: Array<{ db: number; speaking: boolean }> };
      w.meterSeen = [];
      const meter = document.getElementById('mic-meter')!;
      new MutationObserver(() => {
        const db = meter.getAttribute('data-db');
        if (db) w.meterSeen.push({ db: Number(db), speaking: meter.getAttribute('data-speaking') === 'true' });
      }).observe(meter, { attributes: true, attributeFilter: ['data-db'] });
    });
    return win.page;
  }
  const sentTypes = () => capture.sent.map((c) => c.type);
  const options = (page: Page) => page.$$eval('#mic-device option', (els) => els.map((e) => ({ value: (e as HTMLOptionElement).value, label: e.textContent, selected: (e as HTMLOptionElement).selected, missing: e.hasAttribute('data-missing') })));

  it('lists the capture page\'s microphones with their names; the saved, unplugged one stays chosen and is marked missing', async () => {
    const page = await open();
    const listed = await options(page);
    expect(listed[0]).toMatchObject({ value: '', label: 'System default' });
    const devices = listed.filter((o) => o.value !== '' && !o.missing);
    // Chromium's fake capture devices, named as enumerateDevices names them on the capture page.
    expect(devices.length).toBeGreaterThan(0);
    for (const d of devices) expect(d.label).toMatch(/Fake/);
    expect(listed.find((o) => o.selected)).toMatchObject({ value: 'usb-headset-unplugged', label: 'Saved microphone (missing: not connected now)', missing: true });
    await expect(page.textContent('#mic-missing')).resolves.toContain('The saved microphone is not connected now. It stays chosen');
    // Listing opened no microphone.
    expect(sentTypes()).not.toContain('start');
    await screenshot(page, 'microphone-missing');

    await page.selectOption('#mic-device', devices[0]!.value);
    await page.click('#mic-save');
    await page.waitForFunction(() => document.getElementById('toast')?.textContent?.includes('Microphone saved'));
    expect(runtime.config.load().voice.captureDevice).toBe(devices[0]!.value);
    // Saved and listed again: nothing is missing any more.
    await page.waitForSelector('#mic-device[data-loaded]');
    expect((await options(page)).find((o) => o.selected)).toMatchObject({ value: devices[0]!.value, missing: false });
    await page.close();
  }, 60_000);

  it('"Say something": the meter moves with the speech and rests in the silence; the result puts the speech where the WAV has it, and says plainly that no model is installed', async () => {
    agent.transcript = { unavailable: 'no speech-to-text model is installed (whisper-base is not in the models folder): download one on the Models tab' };
    const page = await open();
    const before = capture.sent.length;
    levels.length = 0;
    await page.click('#mic-test');
    await page.waitForSelector('#mic-listening');
    await page.waitForSelector('#mic-meter[data-speaking="true"]');
    await screenshot(page, 'microphone-listening');
    await page.waitForSelector('#mic-result', { timeout: 30_000 });
    const attr = (name: string) => page.getAttribute('#mic-result', name);
    expect(await attr('data-ended')).toBe('turn-end');

    // The recording on the file's clock: where in the WAV the capture started, found by correlation on the quarter
    // second of speech that matches best (under load Chromium's capture fills stalls in, which spoil a longer stretch).
    const stream = capture.sent.slice(before).find((c) => c.type === 'start') as { session: number };
    const recorded = concat(frames.get(stream.session) ?? []);
    const offset = [0, 4000, 8000, 12_000]
      .map((from) => alignment(recorded, clip.pcm, { from: clip.speechStart + from, length: 4000 }))
      .reduce((a, b) => (b.correlation > a.correlation ? b : a));
    expect(offset.correlation).toBeGreaterThan(0.5);
    const trueStartMs = toMs(clip.speechStart - offset.samples);
    const trueEndMs = toMs(clip.speechEnd - offset.samples);
    const startMs = Number(await attr('data-speech-start-ms'));
    const endMs = Number(await attr('data-speech-end-ms'));
    // Silero places speech to within a few frames of where espeak-ng's words begin and end.
    expect(Math.abs(startMs - trueStartMs)).toBeLessThanOrEqual(200);
    expect(Math.abs(endMs - trueEndMs)).toBeLessThanOrEqual(250);
    await expect(page.textContent('#mic-heard')).resolves.toMatch(/^Heard speech from \d+\.\d\d s to \d+\.\d\d s \(\d+\.\d\d s of speech\) in \d+\.\d\d s recorded; the VAD ended the turn\.$/);
    expect(Number(await attr('data-peak-db'))).toBeGreaterThan(-30);
    await expect(page.textContent('#mic-transcript')).resolves.toBe('No transcript: no speech-to-text model is installed (whisper-base is not in the models folder): download one on the Models tab.');

    // Main sent one level per two frames it analysed (about 15 a second), never one per frame.
    const analysedFrames = Number(await attr('data-recorded-ms')) / (FRAME_SAMPLES / 16);
    expect(levels).toHaveLength(Math.floor(analysedFrames / LEVEL_EVERY_FRAMES));
    // The meter as the page showed it: loud and "speech" inside the sentence, near the floor in the lead-in silence.
    const seen = await page.evaluate(() => (window as unknown as { meterSeen: Array<{ db: number; speaking: boolean }> }).meterSeen);
    expect(seen.length).toBeGreaterThan(10);
    const lead = seen.slice(2, Math.floor(trueStartMs / 64) - 2);
    expect(lead.length).toBeGreaterThan(3);
    expect(Math.max(...lead.map((l) => l.db))).toBeLessThan(-45);
    expect(lead.every((l) => !l.speaking)).toBe(true);
    const speaking = seen.filter((l) => l.speaking);
    expect(speaking.length).toBeGreaterThan(5);
    expect(Math.max(...speaking.map((l) => l.db))).toBeGreaterThan(-30);
    // After the test the meter is back at rest and the microphone closed.
    await expect(page.textContent('#mic-meter-label')).resolves.toBe('Microphone closed');
    expect(sentTypes().slice(before)).toEqual(['start', 'stop']);
    expect(opened.slice(-2)).toEqual([true, false]);
    await screenshot(page, 'microphone-test');
    await page.close();
  }, 60_000);

  it('with the agent\'s speech model loaded, shows its words for the turn\'s own audio', async () => {
    // The agent's model is a stand-in here (no Whisper download in CI): what is checked is that the turn's audio
    // reaches it and its words reach the window.
    agent.transcript = { text: 'Please turn off the heating in the kitchen.', model: 'whisper-base (cpu)' };
    agent.transcribed.length = 0;
    const page = await open();
    await page.click('#mic-test');
    await page.waitForSelector('#mic-result', { timeout: 30_000 });
    await expect(page.textContent('#mic-transcript')).resolves.toBe('Understood (whisper-base (cpu)): Please turn off the heating in the kitchen.');
    const speechMs = Number(await page.getAttribute('#mic-result', 'data-speech-end-ms')) - Number(await page.getAttribute('#mic-result', 'data-speech-start-ms'));
    // One utterance, holding at least the speech the VAD heard (plus its pre-roll).
    expect(agent.transcribed).toHaveLength(1);
    expect(toMs(agent.transcribed[0]!)).toBeGreaterThanOrEqual(speechMs);
    await screenshot(page, 'microphone-transcript');
    await page.close();
  }, 60_000);

  it('leaving the screen mid-test stops it and closes the microphone', async () => {
    const page = await open();
    const before = capture.sent.length;
    await page.click('#mic-test');
    // The microphone is open and the meter moving.
    await page.waitForFunction(() => (window as unknown as { meterSeen: unknown[] }).meterSeen.length > 0);
    await page.click('#nav-status');
    await page.waitForFunction(() => document.querySelector('#screen-microphone') === null);
    // One stream, stopped (the stop and the stream's own end may each post a 'stop'), none started again.
    await expect.poll(() => sentTypes().slice(before).at(-1), { timeout: 10_000 }).toBe('stop');
    expect(sentTypes().slice(before).filter((t) => t === 'start')).toHaveLength(1);
    await expect.poll(() => opened.at(-1), { timeout: 10_000 }).toBe(false);
    // The service is free again: a new test may start (and is stopped at once).
    await expect.poll(async () => (await handlers['voice:micTestStop'](undefined)).stopped, { timeout: 10_000 }).toBe(false);
    await page.close();
  }, 60_000);

  it('refuses hostile messages on the new channels before the microphone opens', async () => {
    const page = await open();
    const before = capture.sent.length;
    const invoke = (channel: string, args: unknown[]) =>
      page.evaluate(([c, a]) => (window as unknown as { __jettInvoke(c: string, a: unknown[]): Promise<{ ok: boolean; error?: { message: string } }> }).__jettInvoke(c as string, a as unknown[]), [channel, args] as const);
    const refusals = [
      await invoke('voice:micTest', [{ deviceId: 'x'.repeat(513) }]),
      await invoke('voice:micTest', [{ deviceId: '', limitMs: 3_600_000 }]),
      await invoke('voice:micTest', [{ deviceId: 42 }]),
      await invoke('voice:micTest', [{ deviceId: '' }, { deviceId: '' }]),
      await invoke('voice:micTest', ['default']),
      await invoke('voice:micTestStop', [{ all: true }]),
      await invoke('voice:microphones', [{ deviceId: '' }]),
      await invoke('voice:micTest', [{ deviceId: 'a'.repeat(70_000) }]),
    ];
    for (const r of refusals) expect(r.ok).toBe(false);
    expect(refusals.map((r) => r.error!.message.split(':').slice(0, 3).join(':'))).toEqual([
      'voice:micTest: invalid argument',
      'voice:micTest: invalid argument',
      'voice:micTest: invalid argument',
      'voice:micTest: expected at most one argument, got 2',
      'voice:micTest: invalid argument',
      'voice:micTestStop: invalid argument',
      'voice:microphones: invalid argument',
      'voice:micTest: refused',
    ]);
    // Nothing reached the capture page: no microphone was opened.
    expect(capture.sent.slice(before)).toEqual([]);
    // The oversized one was refused before parsing, and logged (never its content).
    expect(warnings).toEqual(['ipc message refused']);
    await page.close();
  }, 60_000);
});
