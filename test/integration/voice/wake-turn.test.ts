// The turn after the wake word, on real audio through the real models (openWakeWord, Silero): espeak-ng "hey
// jarvis" joined to a separately made question at a known sample, so the cut is checked in samples, through the
// core frame source (PcmSource, what `jett voice --input` feeds) and sox capture from a fake ALSA microphone; the
// whole pipeline with the test engines and the agent's local database and outbox: the question reaches
// speech-to-text without the phrase; a wake with no question leaves one local row; listening alone leaves nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { loadMigrations, migrationsDir } from '../../../main/core/db/resources.js';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { MicrophoneSource, type AudioSource } from '../../../main/core/voice/capture.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import { PcmSource } from '../../../main/core/voice/file-source.js';
import { Listening } from '../../../main/core/voice/listening.js';
import { VoicePipeline } from '../../../main/core/voice/pipeline.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from '../../../main/core/voice/test-engines.js';
import type { DetectedTurn } from '../../../main/core/voice/turn-detector.js';
import { SileroVad } from '../../../main/core/voice/vad.js';
import { createWakeDetector, type WakeDetector } from '../../../main/core/voice/wake/detector.js';
import { DEFAULT_WAKE_GATE } from '../../../main/core/voice/wake-gate.js';
import { WakeLog } from '../../../main/core/voice/wake-log.js';
import { ENERGY_WINDOW } from '../../../main/core/voice/wake-phrase-end.js';
import { concat, fakeMicrophone, ms, SPEECH_FLOOR } from '../../helpers/audio.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { speakDithered } from '../../helpers/wake-audio.js';
import { CheckingSink } from '../../unit/voice/scripted.js';

const quietLogger = createLogger({ sink: () => undefined, format: 'json' });
const LEAD = ms(1500);

/** One turn (or none) from `source` with the wake gate in front of the turn detector. */
async function listenOnce(vad: SileroVad, detector: WakeDetector, source: AudioSource): Promise<{ turn: DetectedTurn | null; cut: number | null }> {
  detector.reset();
  let cut: number | null = null;
  let turn: DetectedTurn | null = null;
  const options = { ...DEFAULT_WAKE_GATE, word: 'hey_jarvis', threshold: 0.5 };
  const session = new Listening(source, vad, { endpoint: DEFAULT_ENDPOINT, wake: { detector, options, events: { woke: (_w, at) => (cut = at), unanswered: () => undefined } } }, new ScriptedSpeechToText(), quietLogger, {
    deaf: () => false,
    hear: (ev) => {
      if (ev.type === 'turn-end') turn = ev.turn;
      return turn !== null;
    },
    partial: () => undefined,
    failed: (err) => {
      throw err;
    },
    closing: () => undefined,
    ended: () => undefined,
  });
  await session.done;
  return { turn, cut };
}

interface Junction {
  pcm: Int16Array;
  question: Int16Array;
  /** Just after the phrase's last loud sample. */
  phraseEnd: number;
  /** The question's first loud sample. */
  questionStart: number;
}

async function junction(voice: string, gapMs: number): Promise<Junction> {
  const phrase = await speakDithered('hey jarvis', voice, 150);
  const question = await speakDithered('what time is it', voice, 150);
  const pcm = concat([new Int16Array(LEAD), phrase, new Int16Array(ms(gapMs)), question, new Int16Array(ms(1500))]);
  return { pcm, question, phraseEnd: LEAD + phrase.length, questionStart: LEAD + phrase.length + ms(gapMs) };
}

/**
 * The cut is right when nothing of the phrase and all of the question reach speech-to-text. Tolerance: one 10 ms
 * energy window before the phrase's last loud sample (the window that holds espeak-ng's fade-out below
 * SPEECH_FLOOR may already read as quiet), and any point up to the question's first sample.
 */
function expectCut(j: Junction, turn: DetectedTurn | null, cut: number | null, label: string, dither = 0): void {
  expect(turn, label).not.toBeNull();
  expect(cut, label).not.toBeNull();
  expect(cut!, label).toBeGreaterThanOrEqual(j.phraseEnd - ENERGY_WINDOW);
  expect(cut!, label).toBeLessThan(j.questionStart);
  expect(turn!.audioStart, label).toBeGreaterThanOrEqual(cut!);
  expect(turn!.audioStart, label).toBeLessThan(j.questionStart);
  const from = j.questionStart - turn!.audioStart;
  // All of the question: sample for sample, give or take sox's dither (1 LSB) when it mixed the stereo device down.
  const got = turn!.audio.subarray(from, from + j.question.length);
  expect(got.length, label).toBe(j.question.length);
  expect(Math.max(...Array.from(got, (s, i) => Math.abs(s - (j.question[i] as number)))), label).toBeLessThanOrEqual(dither);
  // Before the question, only the pause: not one loud sample of the phrase.
  expect(turn!.audio.subarray(0, from).every((s) => Math.abs(s) < SPEECH_FLOOR), label).toBe(true);
}

/** The agent's database. Migration 0003 (voice history) lands from another branch; until then 0001, 0002, 0004. */
function localDb(dir: string): LocalDb {
  const folder = migrationsDir('local');
  let migrations;
  try {
    migrations = loadMigrations(folder);
  } catch {
    migrations = fs
      .readdirSync(folder)
      .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
      .sort()
      .map((f) => ({ version: Number(f.slice(0, 4)), name: f.replace(/\.sql$/, ''), file: path.join(folder, f), sql: fs.readFileSync(path.join(folder, f), 'utf8') }));
  }
  return openLocalDb(path.join(dir, 'jett.db'), { migrations });
}

const realHome = process.env.HOME;
afterEach(() => {
  process.env.HOME = realHome;
});

describeWith([binary('espeak-ng'), binary('sox')], 'the turn after the wake word (real openWakeWord and Silero models)', () => {
  let vad: SileroVad;
  let detector: WakeDetector;
  beforeAll(async () => {
    vad = await SileroVad.load();
    detector = await createWakeDetector({ word: 'hey_jarvis' });
  });
  afterAll(async () => {
    await vad.close();
    await detector.close();
  });

  // The benchmark's seven voices, each with a short (60 ms) and a comma-like (150 ms) pause before the question.
  for (const voice of ['en-us', 'en-gb', 'en-gb-x-rp', 'en-gb-scotland', 'en-us+f3', 'en-us+m3', 'en-029']) {
    it(`cuts "hey jarvis" from the question at the junction, in samples (core frame source, ${voice})`, async () => {
      for (const gapMs of [60, 150]) {
        const j = await junction(voice, gapMs);
        const { turn, cut } = await listenOnce(vad, detector, new PcmSource('clip', j.pcm, 0));
        expectCut(j, turn, cut, `${voice}, ${gapMs} ms pause`);
      }
    });
  }

  it('cuts the same way from sox capture (a fake ALSA microphone)', async () => {
    const which = (name: string) => resolveBinary(name);
    const j = await junction('en-us', 120);
    const mic = fakeMicrophone(tempDir('jett-wake-mic-'), j.pcm);
    process.env.HOME = mic.home;
    const { turn, cut } = await listenOnce(vad, detector, new MicrophoneSource({ recorder: 'sox', device: 'default', resolveBinary: which }));
    expectCut(j, turn, cut, 'sox capture', 1);
  }, 120_000);

  it('"hey jarvis, what time is it": speech-to-text gets the question without the phrase; listening alone keeps and sends nothing; a wake with no question leaves one local row', async () => {
    const dir = tempDir('jett-wake-db-');
    const local = localDb(dir);
    const outbox = new Outbox(local);
    const lines: string[] = [];
    const bus = new EventBus();
    const stages: string[] = [];
    bus.on('voice.stage', (e) => stages.push(e.type));
    const heard: Int16Array[] = [];
    // Other speech first (no wake word), then the question in one breath, then a wake with nothing after it.
    const others = await speakDithered('jar of jam. hey there, what is the weather like', 'en-us', 150);
    const asked = await speakDithered('hey jarvis, what time is it', 'en-us', 150);
    const lonely = await speakDithered('hey jarvis', 'en-gb', 150);
    const pcm = concat([new Int16Array(LEAD), others, new Int16Array(ms(2500)), asked, new Int16Array(ms(3000)), lonely, new Int16Array(ms(5000))]);
    const askedAt = LEAD + others.length + ms(2500);
    const sink = new CheckingSink();
    const pipeline = new VoicePipeline({
      engines: {
        stt: new ScriptedSpeechToText({ text: (a) => (heard.push(a), 'what time is it') }),
        llm: new ScriptedLanguageModel({ reply: 'It is noon.' }),
        tts: new ToneTextToSpeech({ msPerWord: 5 }),
      },
      sink,
      vad,
      // After the question, at the pace of speech: while the reply plays the microphone is not analysed, and the
      // lonely wake must come after it, as it would in a room.
      openSource: () => new PcmSource('clip', pcm, 0, askedAt + asked.length),
      logger: createLogger({ sink: (l) => lines.push(l), format: 'json', level: 'debug' }),
      bus,
      options: { activation: 'handsFree', bargeIn: 'off', endpoint: DEFAULT_ENDPOINT, memoryTurns: 0, systemPrompt: 'be brief' },
      wake: { word: 'hey_jarvis', threshold: 0.5, detector, log: new WakeLog(local.db) },
    });
    // As the agent does: every finished turn goes to the outbox.
    pipeline.onTurn((r) => outbox.append('voice.turn', r));
    const falseWake = new Promise<void>((resolve) => {
      const check = () => (lines.some((l) => l.includes('wake word with no question')) ? resolve() : setImmediate(check));
      check();
    });
    const startedLines = () => lines.filter((l) => !l.includes('voice pipeline started'));
    await pipeline.start();
    await falseWake;
    await pipeline.stop();
    local.db.pragma('wal_checkpoint');

    // One question reached speech-to-text: the tail of the clip, from the pause after "jarvis", with the whole question.
    expect(heard).toHaveLength(1);
    const audio = heard[0]!;
    // Find where the received audio sits in the clip: it is a slice of it, sample for sample.
    let start = -1;
    for (let k = askedAt; k < askedAt + asked.length && start < 0; k++) {
      if (pcm[k] === audio[0] && pcm.subarray(k, k + 2000).every((s, i) => s === audio[i])) start = k;
    }
    expect(start).toBeGreaterThan(askedAt);
    // The phrase ends at the first pause of 80 ms or more inside "hey jarvis, what time is it" (the comma).
    const quiet = (k: number) => Math.abs(pcm[k] as number) < SPEECH_FLOOR;
    let pauseStart = askedAt;
    for (let run = 0, k = askedAt; k < askedAt + asked.length; k++) {
      run = quiet(k) ? run + 1 : 0;
      if (run === ms(80)) {
        pauseStart = k - run + 1;
        break;
      }
    }
    let pauseEnd = pauseStart;
    while (quiet(pauseEnd)) pauseEnd++;
    expect(start).toBeGreaterThanOrEqual(pauseStart - ENERGY_WINDOW);
    expect(start).toBeLessThan(pauseEnd);
    expect(audio.subarray(0, pauseEnd - start).every((s) => Math.abs(s) < SPEECH_FLOOR)).toBe(true);

    // One turn answered and queued; the other speech and the lonely wake left no turn, no transcript, no audio.
    const rows = local.db.prepare('SELECT kind, payload FROM outbox').all() as Array<{ kind: string; payload: string }>;
    expect(rows.map((r) => r.kind)).toEqual(['voice.turn']);
    expect(rows[0]!.payload).not.toMatch(/jarvis/i);
    expect(local.db.prepare('SELECT word, threshold FROM wake_events').all()).toEqual([{ word: 'hey_jarvis', threshold: 0.5 }]);
    expect(pipeline.wakeStatus()).toMatchObject({ detections: 2, falseWakes: 1 });
    // Stage events only for the one question; log lines: the two wakes, the answered turn and nothing per chunk.
    expect(stages.filter((s) => s === 'vad-start')).toHaveLength(1);
    const msgs = startedLines().map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs.filter((m) => m === 'wake word heard')).toHaveLength(2);
    expect(msgs.length).toBeLessThan(15);
    local.close();
  }, 120_000);
});
