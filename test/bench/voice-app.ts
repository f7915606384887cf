// bench:voice's `app` figures: the tray app's capture path (the capture page in headless Chromium, a fake
// microphone fed from a WAV of the same clips, this process standing in for main over the same messages) through the
// same turn detector; the frames' delay from their audio time to their arrival here; and how much Chromium's echo
// canceller removes of a reply played through the page's <audio> element while the microphone carries it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppCaptureBench } from '../../main/harness/bench/results.js';
import { DEFAULT_ENDPOINT, samplesToMs } from '../../main/core/voice/endpointer.js';
import { PageCaptureSource, PagePlaybackSink, type CaptureSettings } from '../../main/core/voice/page-capture.js';
import { TurnDetector, type DetectedTurn } from '../../main/core/voice/turn-detector.js';
import { FRAME_SAMPLES, SAMPLE_RATE, SileroVad } from '../../main/core/voice/vad.js';
import { alignment, offsetsAtSpeechEnds } from '../helpers/app-capture.js';
import { concat, writeWav } from '../helpers/audio.js';
import { launchWithMicrophone, openCapturePage, serveRenderer } from '../renderer/capture-page.js';
import { buildRenderer } from '../renderer/page.js';
import type { BenchClip } from './voice-clips.js';

const APP_DEFAULTS: CaptureSettings = { deviceId: '', echoCancellation: true, noiseSuppression: true, autoGainControl: true };

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}
const r1 = (v: number) => Math.round(v * 10) / 10;
const median = (v: number[]) => pct(v, 50);

/** All clips, one after another, in one WAV: one getUserMedia hears them all, as a microphone would. */
function joined(clips: BenchClip[]): { pcm: Int16Array; starts: number[] } {
  const starts: number[] = [];
  let at = 0;
  for (const c of clips) {
    starts.push(at);
    at += c.pcm.length;
  }
  return { pcm: concat(clips.map((c) => c.pcm)), starts };
}

/**
 * Each clip judged in a stream of turn ends: `offsets[i]` places clip i's file position in the stream's samples; a
 * clip whose speech or tail the stream did not hear (its start lost, its end not waited for) is left out.
 */
function judge(clips: BenchClip[], starts: number[], offsets: number[], turns: DetectedTurn[], length: number): { measured: number; delays: number[]; falseEndpoints: number } {
  const delays: number[] = [];
  let falseEndpoints = 0;
  let measured = 0;
  clips.forEach((clip, i) => {
    const at = (starts[i] as number) - (offsets[i] as number);
    const end = at + clip.pcm.length;
    if (at + clip.speechStart < 0 || end > length) return;
    measured++;
    const inClip = turns.map((t) => t.turnEnd).filter((p) => p >= at && p < end);
    const first = inClip[0];
    if (first === undefined || inClip.length !== 1 || first < at + clip.speechEnd) falseEndpoints++;
    if (first !== undefined) delays.push(samplesToMs(first - (at + clip.speechEnd)));
  });
  return { measured, delays, falseEndpoints };
}

async function endpointing(clips: BenchClip[], dir: string, origin: string, silenceMs: number, say: (l: string) => void) {
  const { pcm, starts } = joined(clips);
  const wav = path.join(dir, 'clips.wav');
  writeWav(wav, pcm);
  const browser = await launchWithMicrophone(wav);
  const vad = await SileroVad.load();
  try {
    const page = await openCapturePage(browser, origin);
    const overhead: number[] = [];
    const source = new PageCaptureSource(page, {
      settings: APP_DEFAULTS,
      onFrame: (f) => overhead.push(f.arrivedMs - f.audioEndMs),
    });
    const detector = new TurnDetector(vad, { ...DEFAULT_ENDPOINT, silenceMs });
    detector.reset();
    const turns: DetectedTurn[] = [];
    const captured: Int16Array[] = [];
    let length = 0;
    say(`  feeding ${clips.length} clips (${(pcm.length / SAMPLE_RATE).toFixed(0)} s of audio) through Chromium's fake microphone, in real time`);
    for await (const chunk of source.chunks()) {
      captured.push(chunk);
      length += chunk.length;
      for (const ev of await detector.push(chunk)) if (ev.type === 'turn-end') turns.push(ev.turn);
      // The file loops: stop once all of it was heard, with room for what the capture gained on the way (under
      // load, stalls filled in: 370 ms over the 169 s seen here).
      if (length >= pcm.length + 2 * SAMPLE_RATE) break;
    }
    await source.stop();
    const heard = concat(captured);
    const offset = alignment(heard, pcm, { from: 8000, length: 16000 });
    // Each clip judged where its end of speech lies in the capture, found again near that end.
    const offsets = offsetsAtSpeechEnds(heard, pcm, clips.map((c, i) => (starts[i] as number) + c.speechEnd), offset);
    const drift = Math.max(...offsets.map((o) => Math.abs(o - offset.samples)));
    say(`  the capture started ${offset.samples} samples into the file (correlation ${offset.correlation.toFixed(2)}); later it gained or lost up to ${samplesToMs(drift).toFixed(1)} ms`);
    const judged = judge(clips, starts, offsets, turns, length);
    // The same file fed straight to a turn detector, starting where the capture started: the same 32 ms frames as
    // the capture's, so what remains between the two is the capture path's own doing, not where frames fall.
    const shifted = offset.samples < 0 ? concat([new Int16Array(-offset.samples), pcm]) : pcm.subarray(offset.samples);
    const straight = new TurnDetector(vad, { ...DEFAULT_ENDPOINT, silenceMs });
    straight.reset();
    const straightTurns: DetectedTurn[] = [];
    for (let at = 0; at + FRAME_SAMPLES <= shifted.length; at += FRAME_SAMPLES) {
      for (const ev of await straight.push(shifted.subarray(at, at + FRAME_SAMPLES))) if (ev.type === 'turn-end') straightTurns.push(ev.turn);
    }
    const atPhase = judge(clips, starts, offsets.map(() => offset.samples), straightTurns, shifted.length);
    say(`  the same clips fed straight at the capture's frame phase: endpoint delay p50 ${r1(pct(atPhase.delays, 50))} ms, p95 ${r1(pct(atPhase.delays, 95))} ms, false endpoints ${atPhase.falseEndpoints} (no goal: how much of the gap to the top-level figure is where 32 ms frames fall)`);
    return { ...judged, overhead, problems: page.problems };
  } finally {
    await vad.close();
    await browser.close();
  }
}

/** A steady 440 Hz tone at -26 dBFS: the reply, and what the fake microphone hears of it (its echo). */
function tone(seconds: number, rate: number): Int16Array {
  const out = new Int16Array(seconds * rate);
  const amp = 0.05 * 32767 * Math.SQRT2;
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * 440 * i) / rate));
  return out;
}

/** The echo's level (median dBFS of 32 ms frames) without the reply playing, then with it: the difference. */
async function echoReduction(dir: string, origin: string, say: (l: string) => void): Promise<number> {
  const wav = path.join(dir, 'echo.wav');
  writeWav(wav, tone(30, SAMPLE_RATE));
  const browser = await launchWithMicrophone(wav);
  try {
    const page = await openCapturePage(browser, origin);
    const levels: Array<{ at: number; db: number }> = [];
    // Noise suppression and gain control off: they would lower a steady tone by themselves.
    const source = new PageCaptureSource(page, { settings: { deviceId: '', echoCancellation: true, noiseSuppression: false, autoGainControl: false }, onFrame: (f) => levels.push({ at: f.arrivedMs, db: f.levelDb }) });
    const sink = new PagePlaybackSink(page);
    const frames = (async () => {
      for await (const chunk of source.chunks()) void chunk;
    })();
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await wait(2500);
    const before = median(levels.slice(-30).map((l) => l.db));
    await sink.open(SAMPLE_RATE);
    await sink.write(tone(20, SAMPLE_RATE));
    const playFrom = Date.now();
    // The canceller adapts within a second or two; the level is read after that.
    await wait(4000);
    const during = median(levels.filter((l) => l.at > playFrom + 2000).map((l) => l.db));
    await sink.stop();
    await source.stop();
    await frames;
    say(`  the echo at ${r1(before)} dBFS without the reply playing, ${r1(during)} dBFS while the <audio> element plays it`);
    return r1(before - during);
  } finally {
    await browser.close();
  }
}

export async function measureApp(clips: BenchClip[], silenceMs: number, say: (line: string) => void): Promise<AppCaptureBench> {
  // Not test/helpers/tmp.ts: that one cleans up through vitest's hooks, and the benchmark runs outside vitest.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-bench-app-'));
  const rendererDir = path.join(dir, 'renderer');
  await buildRenderer(rendererDir);
  const server = await serveRenderer(rendererDir);
  try {
    const ep = await endpointing(clips, dir, server.origin, silenceMs, say);
    say(`  app capture: ${ep.measured} clips, endpoint delay p50 ${r1(pct(ep.delays, 50))} ms, p95 ${r1(pct(ep.delays, 95))} ms, false endpoints ${ep.falseEndpoints}; frame arrival minus audio time p50 ${r1(pct(ep.overhead, 50))} ms, p95 ${r1(pct(ep.overhead, 95))} ms`);
    if (ep.problems.length > 0) say(`  page problems: ${ep.problems.join('; ')}`);
    const aec = await echoReduction(dir, server.origin, say);
    return {
      clips: ep.measured,
      endpoint_delay_ms_p95: r1(pct(ep.delays, 95)),
      false_endpoints: ep.falseEndpoints,
      capture_overhead_ms_p95: r1(pct(ep.overhead, 95)),
      aec_reduction_db: aec,
    };
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
