// Hands-free with a wake word, with a scripted detector and a loudness "VAD": nothing but the detector hears the
// audio while waiting, the question is cut where the phrase ends, a wake with no question ends quietly after 4 s
// (recorded locally only), the chime, the counts and the pause; the phrase-end search on its own.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsDir } from '../../../main/core/db/resources.js';
import { EventBus } from '../../../main/core/events/bus.js';
import type { AudioSource } from '../../../main/core/voice/capture.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { DEFAULT_ENDPOINT, msToSamples } from '../../../main/core/voice/endpointer.js';
import { PcmSource } from '../../../main/core/voice/file-source.js';
import { VoicePipeline } from '../../../main/core/voice/pipeline.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from '../../../main/core/voice/test-engines.js';
import type { FrameClassifier } from '../../../main/core/voice/vad.js';
import type { WakeDetection, WakeWordDetector } from '../../../main/core/voice/wake-gate.js';
import { WakeLog } from '../../../main/core/voice/wake-log.js';
import { ENERGY_WINDOW, findPhraseEnd } from '../../../main/core/voice/wake-phrase-end.js';
import { CheckingSink, loudness, ScriptedMic, silence, speech } from './scripted.js';
import { chimeTone, CHIME_MS } from '../../../main/core/voice/chime.js';

/** Fires once the stream passes each scripted sample, as openWakeWord would at the end of an 80 ms chunk. */
class ScriptedWake implements WakeWordDetector {
  pushed = 0;
  resets = 0;
  constructor(private readonly at: number[], private readonly score = 0.9) {}
  async push(samples: Int16Array): Promise<WakeDetection[]> {
    const before = this.pushed;
    this.pushed += samples.length;
    return this.at.filter((s) => s > before && s <= this.pushed).map((s) => ({ word: 'hey_jarvis', score: this.score, sample: s }));
  }
  reset(): void {
    this.resets++;
    this.pushed = 0;
  }
}

/** The loudness VAD, counting the frames it was asked about. */
function countingVad(): FrameClassifier & { frames: number } {
  const v = { frames: 0, probability: async (f: Float32Array) => (v.frames++, loudness.probability(f)), reset: () => undefined };
  return v;
}

const concat = (...parts: Int16Array[]): Int16Array => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

function migratedDb(): Database.Database {
  const db = new Database(':memory:');
  // The table exactly as local migration 0004 makes it.
  db.exec(fs.readFileSync(path.join(migrationsDir('local'), '0004_wake_events.sql'), 'utf8'));
  return db;
}

function build(pcm: Int16Array, detector: ScriptedWake, opts: { threshold?: number; paused?: boolean; mic?: () => AudioSource } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const bus = new EventBus();
  const events: string[] = [];
  bus.on('voice.stage', (e) => events.push(`stage:${e.type}`));
  bus.on('voice.turn', () => events.push('turn'));
  const states: string[] = [];
  bus.on('voice.state', (e) => states.push(e.state));
  const heardByStt: Int16Array[] = [];
  const vad = countingVad();
  const sink = new CheckingSink();
  const db = migratedDb();
  const sources: AudioSource[] = [];
  const pipeline = new VoicePipeline({
    engines: {
      stt: new ScriptedSpeechToText({ text: (a) => (heardByStt.push(a), 'what time is it') }),
      llm: new ScriptedLanguageModel({ reply: 'It is noon.' }),
      tts: new ToneTextToSpeech({ msPerWord: 10 }),
    },
    sink,
    vad,
    openSource: () => {
      const s = opts.mic?.() ?? new PcmSource('clip', pcm, 0);
      sources.push(s);
      return s;
    },
    logger: createLogger({ sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>), format: 'json', level: 'debug' }),
    bus,
    options: { activation: 'handsFree', bargeIn: 'off', endpoint: { ...DEFAULT_ENDPOINT, preemptMs: 0 }, memoryTurns: 0, systemPrompt: 'be brief' },
    wake: { word: 'hey_jarvis', threshold: opts.threshold ?? 0.5, detector, log: new WakeLog(db), ...(opts.paused ? { paused: true } : {}) },
  });
  return { pipeline, lines, events, states, heardByStt, vad, sink, db, bus, sources };
}

/** Resolves when the listening session has ended (the clip ran out): the state leaves listening for good. */
const ended = (lines: Array<Record<string, unknown>>, msg: string) =>
  new Promise<void>((resolve) => {
    const check = () => (lines.some((l) => l.msg === msg) ? resolve() : setImmediate(check));
    check();
  });

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('hands-free with a wake word', () => {
  it('while only listening for the wake word: no VAD, no stage event, no turn, no log line, nothing stored', async () => {
    const pcm = concat(silence(500), speech(2000), silence(500), speech(1500), silence(2000));
    const detector = new ScriptedWake([]);
    const t = build(pcm, detector);
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    const started = t.lines.length;
    // The clip ends: the session ends, having heard it all.
    await new Promise<void>((resolve) => {
      const check = () => (detector.pushed >= pcm.length ? resolve() : setImmediate(check));
      check();
    });
    await t.pipeline.stop();
    expect(detector.pushed).toBeGreaterThanOrEqual(pcm.length);
    // One frame: the pipeline's warm-up at start, none while listening for the wake word.
    expect(t.vad.frames).toBe(1);
    expect(t.events).toEqual([]);
    expect(t.heardByStt).toEqual([]);
    expect(t.sink.writes).toBe(0);
    // Between the pipeline's start and its stop, not one line: nothing per chunk, nothing about what was heard.
    expect(t.lines.slice(started).map((l) => l.msg)).toEqual(['voice pipeline stopped']);
    expect((t.db.prepare('SELECT count(*) AS n FROM wake_events').get() as { n: number }).n).toBe(0);
    // Waiting is not "listening" on the tray: it shows once the phrase is heard.
    expect(t.states).not.toContain('listening');
    expect(t.pipeline.wakeStatus()).toEqual({ listening: 'on', word: 'hey_jarvis', threshold: 0.5, detections: 0, falseWakes: 0, reason: null });
  });

  it('cuts the phrase: speech-to-text gets the question from where the phrase ends, with a chime first', async () => {
    // "Hey jarvis" (loud) ends at 1.5 s; a 160 ms pause; the question; the detector fires 110 ms after the phrase.
    const phraseEnd = msToSamples(1500);
    const pcm = concat(silence(500), speech(1000), silence(160), speech(800), silence(2000));
    const detector = new ScriptedWake([phraseEnd + msToSamples(110)]);
    const t = build(pcm, detector);
    cleanup.push(() => t.pipeline.stop());
    const answered = new Promise<void>((resolve) => t.bus.on('voice.turn', () => resolve()));
    await t.pipeline.start();
    await answered;
    expect(t.heardByStt).toHaveLength(1);
    const audio = t.heardByStt[0]!;
    // It starts in the pause, at most one 10 ms energy window after the phrase's last sample (the windows are
    // laid from the ring's start, not from the phrase's end): the phrase is gone, the question whole.
    const lead = audio.findIndex((x) => x !== 0);
    expect(lead).toBeGreaterThan(msToSamples(160) - ENERGY_WINDOW);
    expect(lead).toBeLessThanOrEqual(msToSamples(160));
    expect(audio.filter((x) => x === 8000).length).toBe(msToSamples(800));
    expect(t.pipeline.wakeStatus()).toMatchObject({ detections: 1, falseWakes: 0 });
    // The chime played before the reply (the sink's first writes), and the tray showed listening after the wake.
    expect(t.sink.writes).toBeGreaterThan(1);
    expect(t.states).toContain('listening');
    expect(chimeTone().length).toBe(msToSamples(CHIME_MS));
  });

  it('a wake with no question ends quietly after 4 s, recorded locally as {at, score, word, threshold} only', async () => {
    const pcm = concat(silence(500), speech(1000), silence(6000));
    const detector = new ScriptedWake([msToSamples(1610)], 0.62);
    const t = build(pcm, detector, { threshold: 0.55 });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    await ended(t.lines, 'wake word with no question: ended quietly');
    expect(t.events).toEqual([]);
    expect(t.heardByStt).toEqual([]);
    const rows = t.db.prepare('SELECT * FROM wake_events').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(['at', 'id', 'score', 'threshold', 'word']);
    expect(rows[0]).toMatchObject({ word: 'hey_jarvis', score: 0.62, threshold: 0.55 });
    expect(t.pipeline.wakeStatus()).toMatchObject({ detections: 1, falseWakes: 1 });
    // It ended in samples: the VAD heard exactly 4 s (125 frames of 32 ms) after the cut, not a frame more.
    expect(t.vad.frames).toBe(1 + Math.ceil(msToSamples(4000) / 512));
  });

  it('a score under the threshold is no wake', async () => {
    const pcm = concat(silence(500), speech(1000), silence(200), speech(800), silence(1500));
    const detector = new ScriptedWake([msToSamples(1610)], 0.4);
    const t = build(pcm, detector);
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    await new Promise<void>((resolve) => {
      const check = () => (detector.pushed >= pcm.length ? resolve() : setImmediate(check));
      check();
    });
    expect(t.vad.frames).toBe(1);
    expect(t.pipeline.wakeStatus()).toMatchObject({ detections: 0 });
  });

  it('pauses and resumes with one call each: paused, the microphone is closed', async () => {
    const detector = new ScriptedWake([]);
    const t = build(silence(60_000), detector);
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    await t.pipeline.pauseHandsFree(true);
    expect(t.pipeline.wakeStatus()?.listening).toBe('paused');
    const pushed = detector.pushed;
    await new Promise((r) => setImmediate(r));
    expect(detector.pushed).toBe(pushed);
    await t.pipeline.pauseHandsFree(false);
    expect(t.pipeline.wakeStatus()?.listening).toBe('on');
    expect(detector.resets).toBe(2);
  });

  it('built paused (a settings change after the tray paused it): starts with the microphone closed until resumed', async () => {
    const detector = new ScriptedWake([]);
    const t = build(silence(60_000), detector, { paused: true });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    expect(t.sources).toHaveLength(0);
    expect(t.pipeline.wakeStatus()?.listening).toBe('paused');
    await t.pipeline.pauseHandsFree(false);
    expect(t.sources).toHaveLength(1);
    expect(t.pipeline.wakeStatus()?.listening).toBe('on');
  });
});

/** Resolves once `done()` holds, checked after each turn of the event loop. */
const until = (done: () => boolean) =>
  new Promise<void>((resolve) => {
    const check = () => (done() ? resolve() : setImmediate(check));
    check();
  });

describe('the hotkey in hands-free: it stands for the wake word', () => {
  const wakeRows = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM wake_events').get() as { n: number }).n;

  it('while waiting for the wake word, starts the question at once; pressed again mid-question, it does not start it over', async () => {
    const mic = new ScriptedMic();
    const detector = new ScriptedWake([]);
    const t = build(silence(0), detector, { mic: () => mic });
    cleanup.push(() => t.pipeline.stop());
    const answered = new Promise<void>((resolve) => t.bus.on('voice.turn', () => resolve()));
    await t.pipeline.start();
    mic.say(silence(500));
    await until(() => detector.pushed >= msToSamples(500));
    await t.pipeline.toggle();
    expect(t.states.at(-1)).toBe('listening');
    mic.say(speech(400));
    await until(() => t.events.includes('stage:vad-start'));
    // The key again while the question is spoken: the turn goes on, none starts over.
    await t.pipeline.toggle();
    mic.say(speech(400), silence(2000));
    await answered;
    // Speech-to-text got the whole question (both halves), once; no wake word was heard, counted or recorded.
    expect(t.heardByStt).toHaveLength(1);
    expect(t.heardByStt[0]!.filter((x) => x === 8000).length).toBe(msToSamples(800));
    expect(t.pipeline.wakeStatus()).toMatchObject({ listening: 'on', detections: 0, falseWakes: 0 });
    expect(wakeRows(t.db)).toBe(0);
  });

  it('with nothing said after the key, hands-free goes back to the wake word: no false wake counted or recorded', async () => {
    const mic = new ScriptedMic();
    const detector = new ScriptedWake([]);
    const t = build(silence(0), detector, { mic: () => mic });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    await t.pipeline.toggle();
    expect(t.states.at(-1)).toBe('listening');
    mic.say(silence(4500));
    await until(() => t.states.at(-1) === 'idle');
    expect(t.events).toEqual([]);
    expect(t.pipeline.wakeStatus()).toMatchObject({ listening: 'on', detections: 0, falseWakes: 0 });
    expect(wakeRows(t.db)).toBe(0);
    expect(mic.stopped).toBe(false);
  });

  it('paused: the key opens the microphone for one question, which closes after it; hands-free stays paused', async () => {
    const mic = new ScriptedMic();
    const detector = new ScriptedWake([]);
    const t = build(silence(0), detector, { paused: true, mic: () => mic });
    cleanup.push(() => t.pipeline.stop());
    const answered = new Promise<void>((resolve) => t.bus.on('voice.turn', () => resolve()));
    await t.pipeline.start();
    await t.pipeline.toggle();
    mic.say(speech(800), silence(2000));
    await answered;
    await until(() => mic.stopped);
    expect(t.heardByStt).toHaveLength(1);
    expect(t.pipeline.wakeStatus()?.listening).toBe('paused');
  });
});

describe('findPhraseEnd', () => {
  const at = (pcm: Int16Array) => ({ audio: pcm, start: 1000 * ENERGY_WINDOW });
  const base = 1000 * ENERGY_WINDOW;

  it('takes the longest pause near the detection, not a stop closure in the question', () => {
    // phrase until 600 ms, pause 90 ms, question with a 50 ms closure at 800 ms.
    const pcm = concat(speech(600), silence(90), speech(110), silence(50), speech(400));
    const d = base + msToSamples(700);
    expect(findPhraseEnd(at(pcm), d, d - 3200)).toBe(base + msToSamples(600));
  });

  it('never takes a pause that starts after the detection, even a longer one: it is inside the question', () => {
    const pcm = concat(speech(600), silence(50), speech(150), silence(90), speech(400));
    const d = base + msToSamples(700);
    expect(findPhraseEnd(at(pcm), d, d - 3200)).toBe(base + msToSamples(600));
  });

  it('waits for the look-ahead when no pause has come yet, then falls back to the estimate', () => {
    const pcm = concat(speech(900));
    const d = base + msToSamples(700);
    expect(findPhraseEnd(at(pcm), d, d - 3200)).toBeNull();
    const longer = concat(speech(1100));
    expect(findPhraseEnd(at(longer), d, d - 3200)).toBe(d - 3200);
  });

  it('follows the noise floor: a pause in room noise still reads as a pause', () => {
    const noisy = (n: Int16Array) => n.map((s, i) => s + ((i * 7919) % 601) - 300);
    const pcm = noisy(concat(speech(600), silence(120), speech(500)));
    const d = base + msToSamples(720);
    expect(findPhraseEnd(at(pcm), d, d - 3200)).toBe(base + msToSamples(600));
  });
});
