// The wake word on the tray app's capture path: espeak-ng speech on Chromium's fake microphone, through the real
// capture page (getUserMedia with the app's echo cancellation, noise suppression and gain control, the capture worker's
// 16 kHz frames over the page's port to this process, standing in for main), into the real openWakeWord models:
// "hey jarvis" wakes once, "hey there" never. The sox path's own frames are tested in wake.test.ts.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { PageCaptureSource, type CaptureSettings } from '../../../main/core/voice/page-capture.js';
import { createWakeDetector, type WakeDetection } from '../../../main/core/voice/wake/detector.js';
import { writeWav } from '../../helpers/audio.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { padded, speakDithered } from '../../helpers/wake-audio.js';
import { launchWithMicrophone, openCapturePage, serveRenderer } from '../../renderer/capture-page.js';
import { buildRenderer } from '../../renderer/page.js';

const APP_DEFAULTS: CaptureSettings = { deviceId: '', echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const realHome = process.env.HOME;

describeWith([binary('chromium'), binary('espeak-ng'), binary('sox')], 'the wake word on the app capture page in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof serveRenderer>>;
  let browser: Browser | null = null;

  beforeAll(async () => {
    const rendererDir = tempDir('jett-wake-renderer-');
    await buildRenderer(rendererDir);
    server = await serveRenderer(rendererDir);
  }, 120_000);
  afterEach(async () => {
    await browser?.close();
    browser = null;
    process.env.HOME = realHome;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The detections in one pass of `text` (1 s of silence each side) captured by the page, as the agent would run it. */
  async function detectionsThroughPage(text: string): Promise<{ detections: WakeDetection[]; captured: number; fileSamples: number }> {
    const pcm = padded(await speakDithered(text, 'en-us', 150));
    const wav = path.join(tempDir('jett-wake-wav-'), 'speech.wav');
    writeWav(wav, pcm);
    browser = await launchWithMicrophone(wav);
    const page = await openCapturePage(browser, server.origin);
    const source = new PageCaptureSource(page, { settings: APP_DEFAULTS });
    const detector = await createWakeDetector({ word: 'hey_jarvis' });
    const detections: WakeDetection[] = [];
    let captured = 0;
    try {
      // Chromium's fake device plays the file in a loop: one pass of it, the page's frames as they come.
      for await (const chunk of source.chunks()) {
        detections.push(...(await detector.push(chunk)));
        captured += chunk.length;
        if (captured >= pcm.length) break;
      }
    } finally {
      await source.stop();
      await detector.close();
    }
    expect(page.problems).toEqual([]);
    return { detections, captured, fileSamples: pcm.length };
  }

  it('"hey jarvis" wakes it exactly once, with the app\'s audio processing on', async () => {
    const { detections, captured, fileSamples } = await detectionsThroughPage('hey jarvis');
    expect(captured).toBeGreaterThanOrEqual(fileSamples);
    expect(detections).toHaveLength(1);
    expect(detections[0]).toMatchObject({ word: 'hey_jarvis' });
    expect(detections[0]!.score).toBeGreaterThan(0.5);
  }, 120_000);

  it('"hey there" does not wake it', async () => {
    const { detections, captured, fileSamples } = await detectionsThroughPage('hey there');
    expect(captured).toBeGreaterThanOrEqual(fileSamples);
    expect(detections).toEqual([]);
  }, 120_000);
});
