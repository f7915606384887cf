// The tray app's capture path in real headless Chromium: the built capture page, getUserMedia on Chromium's fake
// device fed from a WAV of espeak-ng speech, the capture worker's 16 kHz frames over the port main holds to this
// process (standing in for main), the real turn detector on them: the turn ends where the speech really ends, as
// with sox capture of the same file; each frame placed on the wall clock where the microphone heard it. And each
// failure ends the stream with an error that says what to do.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_FRAME_SAMPLES, CAPTURE_SAMPLE_RATE } from '../../../main/core/contracts/capture.js';
import { MicrophoneSource } from '../../../main/core/voice/capture.js';
import { DEFAULT_ENDPOINT, msToSamples, samplesToMs } from '../../../main/core/voice/endpointer.js';
import { CaptureError } from '../../../main/core/voice/errors.js';
import { PageCaptureSource, pageDevices, type ArrivedFrame, type CaptureSettings } from '../../../main/core/voice/page-capture.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { FRAME_SAMPLES, SAMPLE_RATE, SileroVad } from '../../../main/core/voice/vad.js';
import { fakeMicrophone, makeClip, writeWav, type Clip } from '../../helpers/audio.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { alignment, endpointFirstTurn } from '../../helpers/app-capture.js';
import { launchWithMicrophone, openCapturePage, serveRenderer } from '../../renderer/capture-page.js';
import { buildRenderer } from '../../renderer/page.js';

const APP_DEFAULTS: CaptureSettings = { deviceId: '', echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const realHome = process.env.HOME;

describe('the capture frame', () => {
  it('is the turn detector frame: 512 samples at 16 kHz', () => {
    expect(CAPTURE_FRAME_SAMPLES).toBe(FRAME_SAMPLES);
    expect(CAPTURE_SAMPLE_RATE).toBe(SAMPLE_RATE);
  });
});

describeWith([binary('chromium'), binary('espeak-ng'), binary('sox')], 'the app capture page in headless Chromium', () => {
  let rendererDir: string;
  let clip: Clip;
  let wav: string;
  let vad: SileroVad;
  let browser: Browser | null = null;
  let server: Awaited<ReturnType<typeof serveRenderer>>;
  let origin: string;
  beforeAll(async () => {
    rendererDir = tempDir('jett-capture-renderer-');
    await buildRenderer(rendererDir);
    server = await serveRenderer(rendererDir);
    origin = server.origin;
    clip = await makeClip(['Please turn off the heating'], { leadMs: 500, tailMs: 1500 });
    wav = path.join(tempDir('jett-capture-wav-'), 'speech.wav');
    writeWav(wav, clip.pcm);
    vad = await SileroVad.load();
  }, 120_000);
  afterEach(async () => {
    await browser?.close();
    browser = null;
    process.env.HOME = realHome;
  });
  afterAll(async () => {
    await server?.close();
    await vad?.close();
  });

  it('ends the turn where the speech ends, as sox capture of the same file does', async () => {
    browser = await launchWithMicrophone(wav);
    const page = await openCapturePage(browser, origin);
    const opened: boolean[] = [];
    const source = new PageCaptureSource({ ...page, microphone: (open) => opened.push(open) }, { settings: APP_DEFAULTS });
    const app = await endpointFirstTurn(source, vad);
    expect(app.turn).not.toBeNull();
    // The fake device starts the file anew at getUserMedia, but the first samples may not reach the worker:
    // where the capture starts in the file is found by correlation, then the turn is judged on the file's clock.
    const offset = alignment(app.captured, clip.pcm);
    // Noise suppression and gain control reshape the waveform (seen here: 0.69 at the true shift, under 0.2 elsewhere).
    expect(offset.correlation).toBeGreaterThan(0.5);
    const appEnd = app.turn!.turnEnd + offset.samples;
    expect(appEnd).toBeGreaterThanOrEqual(clip.speechEnd + msToSamples(DEFAULT_ENDPOINT.silenceMs));
    expect(appEnd).toBeLessThanOrEqual(clip.speechEnd + msToSamples(DEFAULT_ENDPOINT.silenceMs + 250));
    // The stream was opened for the turn and closed after it: the tray's "microphone open" follows.
    expect(opened).toEqual([true, false]);
    expect(page.sent.map((c) => c.type)).toEqual(['start', 'stop']);
    expect(page.problems).toEqual([]);

    const mic = fakeMicrophone(tempDir('jett-mic-'), clip.pcm);
    process.env.HOME = mic.home;
    const sox = await endpointFirstTurn(new MicrophoneSource({ recorder: 'sox', device: 'default', resolveBinary: (n) => resolveBinary(n) }), vad);
    expect(sox.turn).not.toBeNull();
    // Both within two frames of each other on the file's clock.
    const diffMs = Math.abs(samplesToMs(appEnd - sox.turn!.turnEnd));
    expect(diffMs).toBeLessThanOrEqual(samplesToMs(2 * FRAME_SAMPLES));
  }, 60_000);

  it('lists the microphones for the device list; a listed one captures, and each frame carries its level for the meter', async () => {
    browser = await launchWithMicrophone(wav);
    const page = await openCapturePage(browser, origin);
    const devices = await pageDevices(page);
    expect(devices.length).toBeGreaterThan(0);
    const chosen = devices.find((d) => d.deviceId !== 'default' && d.deviceId !== '') ?? devices[0]!;
    expect(chosen.label).not.toBe('');
    const frames: ArrivedFrame[] = [];
    const source = new PageCaptureSource(page, { settings: { ...APP_DEFAULTS, deviceId: chosen.deviceId, noiseSuppression: false, autoGainControl: false }, onFrame: (f) => frames.push(f) });
    const run = await endpointFirstTurn(source, vad);
    expect(run.turn).not.toBeNull();
    // The meter's figure is the frame's own level: the lead-in's noise floor is quiet, the speech loud.
    const quiet = Math.min(...frames.slice(2, 8).map((f) => f.levelDb));
    const loud = Math.max(...frames.map((f) => f.levelDb));
    expect(quiet).toBeLessThan(-50);
    expect(loud).toBeGreaterThan(-30);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
  }, 60_000);

  it("places each frame where the microphone heard it: 32 ms after the one before, never after it arrived", async () => {
    browser = await launchWithMicrophone(wav);
    const page = await openCapturePage(browser, origin);
    const frames: ArrivedFrame[] = [];
    const source = new PageCaptureSource(page, { settings: APP_DEFAULTS, onFrame: (f) => frames.push(f) });
    expect((await endpointFirstTurn(source, vad)).turn).not.toBeNull();
    expect(frames.length).toBeGreaterThan(40);
    // Node's clock reads whole milliseconds: a frame may seem to arrive up to 1 ms before it was heard, never more.
    for (const f of frames) expect(f.audioEndMs).toBeLessThanOrEqual(f.arrivedMs + 1);
    // And not far before: a clock misread (the page's origin for the worker's, or the other way) is off by the
    // hundreds of milliseconds between the two; the delay itself is a few tens at most (bench:voice measures it).
    const delays = frames.map((f) => f.arrivedMs - f.audioEndMs).sort((a, b) => a - b);
    expect(delays[Math.floor(delays.length / 2)]).toBeLessThan(100);
    const frameMs = samplesToMs(CAPTURE_FRAME_SAMPLES);
    const steps = frames.slice(1).map((f, i) => f.audioEndMs - (frames[i] as ArrivedFrame).audioEndMs);
    expect(steps.sort((a, b) => a - b)[Math.floor(steps.length / 2)]).toBeCloseTo(frameMs, 0);
    // Over the whole capture, no drift and no gap: the span is the frames' own length.
    const span = (frames.at(-1) as ArrivedFrame).audioEndMs - (frames[0] as ArrivedFrame).audioEndMs;
    expect(Math.abs(span - (frames.length - 1) * frameMs)).toBeLessThan(15);
  }, 60_000);

  it("a capture worker that cannot load (a damaged install) ends the stream with the app's capture failure and the sox way out", async () => {
    browser = await launchWithMicrophone(wav);
    const page = await openCapturePage(browser, origin);
    await page.page.context().route(/capture-worker[^/]*\.js$/, (r) => r.abort());
    const source = new PageCaptureSource(page, { settings: APP_DEFAULTS });
    const err = (await endpointFirstTurn(source, vad).then(
      () => null,
      (e: unknown) => e,
    )) as CaptureError;
    expect(err).toBeInstanceOf(CaptureError);
    expect(err.message).toMatch(/the app's audio capture failed \(.*capture worker/);
    expect(err.fix).toMatch(/jett config set voice.capture sox/);
    expect(page.problems.join(' ')).not.toMatch(/Uncaught/);
  }, 60_000);

  it('an unknown device ends the stream with "no microphone was found" and what to do', async () => {
    browser = await launchWithMicrophone(wav);
    const page = await openCapturePage(browser, origin);
    const source = new PageCaptureSource(page, { settings: { ...APP_DEFAULTS, deviceId: 'unplugged-device-id' } });
    const err = await endpointFirstTurn(source, vad).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).message).toMatch(/no microphone was found/);
    expect((err as CaptureError).fix).toMatch(/plug in a microphone/);
  }, 60_000);

  it('a refused permission names Windows privacy settings and where to switch the microphone on', async () => {
    // Without the fake UI, headless Chromium refuses the permission: getUserMedia fails with NotAllowedError, as
    // it does when Windows' privacy settings block desktop apps.
    browser = await (await import('playwright-core')).chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`] });
    const page = await openCapturePage(browser, origin);
    const source = new PageCaptureSource(page, { settings: APP_DEFAULTS, platform: 'win32' });
    const err = (await endpointFirstTurn(source, vad).then(
      () => null,
      (e: unknown) => e,
    )) as CaptureError;
    expect(err).toBeInstanceOf(CaptureError);
    expect(err.message).toMatch(/Windows refused Jett the microphone.*NotAllowedError/);
    expect(err.fix).toMatch(/Settings > Privacy & security > Microphone.*Let desktop apps access your microphone/);
  }, 60_000);

  it('a device unplugged mid-turn (the track ends) ends the stream with its own message', async () => {
    browser = await launchWithMicrophone(wav);
    const page = await openCapturePage(browser, origin);
    // The page's tracks, so the test can end one as an unplugged device does (Chromium fires 'ended' on it).
    await page.page.evaluate(() => {
      const w = window as unknown as { __tracks: MediaStreamTrack[] };
      w.__tracks = [];
      const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (c) => {
        const s = await real(c);
        w.__tracks.push(...s.getTracks());
        return s;
      };
    });
    let frames = 0;
    let unplugged: Promise<boolean> | undefined;
    const source = new PageCaptureSource(page, {
      settings: APP_DEFAULTS,
      onFrame: () => {
        if (++frames === 10) unplugged = page.page.evaluate(() => (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks[0]!.dispatchEvent(new Event('ended')));
      },
    });
    const err = (await endpointFirstTurn(source, vad).then(
      () => null,
      (e: unknown) => e,
    )) as CaptureError;
    // The page reports the failure while it handles the event: the unplug's own answer may come after it.
    expect(await unplugged).toBe(true);
    expect(err).toBeInstanceOf(CaptureError);
    expect(err.message).toMatch(/the microphone went away mid-turn/);
    expect(err.fix).toMatch(/plug it back in/);
  }, 60_000);
});
