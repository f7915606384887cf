// Barge-in with Jett's own echo suppression, on the sample clock: the capture carries the reply Jett is playing,
// delayed and attenuated as a room would, and sometimes a user's speech. Barge-in must trigger on the user's
// speech and never on the reply alone, with the real Silero VAD, in-process (the echo room), through sox capture
// of a file (a fake ALSA microphone) and through the app's capture page in headless Chromium (its fake device fed
// from the same file, with the app's audio processing on).
import { beforeAll, describe, expect, it } from 'vitest';
import type { VoiceStageEvent, VoiceTurnRecord } from '../../../main/core/contracts/index.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { decideBargeIn } from '../../../main/core/voice/barge-in.js';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { MicrophoneSource } from '../../../main/core/voice/capture.js';
import { PageCaptureSource } from '../../../main/core/voice/page-capture.js';
import { EchoGate } from '../../../main/core/voice/echo-gate.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import type { AudioSource } from '../../../main/core/voice/capture.js';
import type { AudioSink } from '../../../main/core/voice/engines.js';
import { VoicePipeline } from '../../../main/core/voice/pipeline.js';
import { ScriptedLanguageModel, ScriptedSpeechToText } from '../../../main/core/voice/test-engines.js';
import { SileroVad } from '../../../main/core/voice/vad.js';
import { fakeMicrophone, ms, noise, speak, writeWav } from '../../helpers/audio.js';
import { DESK_ROOM, EchoRoom, PreparedSpeech, speakAt } from '../../helpers/echo-room.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { launchWithMicrophone, openCapturePage, serveRenderer } from '../../renderer/capture-page.js';
import { buildRenderer } from '../../renderer/page.js';

const logger = createLogger({ sink: () => undefined, format: 'json' });
const REPLY_RATE = 22_050;
const REPLY = 'Here is the weather for tomorrow. In the morning it will be cloudy with some light rain, and in the afternoon the sun comes out and it gets warmer, up to nineteen degrees, with a gentle wind from the west.';

describe('decideBargeIn', () => {
  it('auto trusts a canceller that measurably removes the echo, or Jett\'s own suppression; otherwise it stays off and says why', () => {
    expect(decideBargeIn({ setting: 'auto', aecReductionDb: 72, ownSuppression: false })).toMatchObject({ active: true, suppression: false });
    expect(decideBargeIn({ setting: 'auto', aecReductionDb: 1, ownSuppression: true })).toMatchObject({ active: true, suppression: true });
    const off = decideBargeIn({ setting: 'auto', aecReductionDb: 2, ownSuppression: false });
    expect(off.active).toBe(false);
    expect(off.reason).toMatch(/removed only 2 dB/);
    expect(off.reason).toMatch(/headphones/);
    expect(decideBargeIn({ setting: 'auto', aecReductionDb: null, ownSuppression: false }).reason).toMatch(/not measured/);
    expect(decideBargeIn({ setting: 'off', aecReductionDb: 80, ownSuppression: true }).active).toBe(false);
  });
});

describeWith([binary('espeak-ng'), binary('sox')], 'barge-in on the sample clock with Jett\'s echo suppression', () => {
  let vad: SileroVad;
  let reply: Int16Array;
  let user: Int16Array;
  beforeAll(async () => {
    vad = await SileroVad.load();
    reply = await speakAt(REPLY, REPLY_RATE);
    user = await speak('Stop, wait a moment please', { voice: 'en-us' });
    return () => vad.close();
  });

  /** A pipeline over the sink and source; `captureClock` (the room's) dates the turn's confirmed start. */
  function pipeline(sink: AudioSink, source: () => AudioSource, captureClock: () => number = () => -1) {
    const bus = new EventBus();
    const stages: VoiceStageEvent[] = [];
    let confirmed: number | undefined;
    bus.on('voice.stage', (e) => {
      stages.push(e);
      if (e.type === 'vad-start') confirmed ??= captureClock();
    });
    const p = new VoicePipeline({
      engines: { stt: new ScriptedSpeechToText({ text: () => 'stop' }), llm: new ScriptedLanguageModel({ reply: 'Okay.' }), tts: new PreparedSpeech(reply, REPLY_RATE) },
      sink,
      vad,
      openSource: source,
      logger,
      bus,
      options: { activation: 'handsFree', bargeIn: 'auto', endpoint: DEFAULT_ENDPOINT, memoryTurns: 0, systemPrompt: 'be brief' },
    });
    return { p, stages, starts: () => stages.filter((e) => e.type === 'vad-start'), confirmedAt: () => confirmed };
  }

  it('the reply alone, heard back through the room, never interrupts itself', async () => {
    const room = new EchoRoom(DESK_ROOM);
    const t = pipeline(room.sink, () => room.source);
    await t.p.start();
    expect(t.p.bargeIn.active).toBe(true);
    const record: VoiceTurnRecord = await t.p.speak('Reply.');
    expect(record.outcome).toBe('answered');
    // The echo tail (delay and reflections) is heard after the reply's last sample: no turn starts in it either.
    const end = room.now + ms(1000);
    while (room.now < end) await new Promise((r) => setTimeout(r, 5));
    await t.p.stop();
    expect(room.starts).toHaveLength(1);
    expect(room.stops.length === 0 || (room.stops[0] as number) >= (room.starts[0] as number) + ms(1000) + Math.round((reply.length * 16_000) / REPLY_RATE)).toBe(true);
    expect(t.starts()).toEqual([]);
  });

  it('the user speaking over the reply interrupts it, at the user\'s onset', async () => {
    const room = new EchoRoom(DESK_ROOM);
    let onset = -1;
    room.onPlaybackStart = (at) => {
      onset = at + ms(1700);
      room.say(onset, user);
    };
    const t = pipeline(room.sink, () => room.source, () => room.now);
    await t.p.start();
    const record = await t.p.speak('Reply.');
    await t.p.stop();
    expect(record.outcome).toBe('cancelled');
    expect(record.reason).toBe('barge-in');
    const first = t.starts()[0];
    expect(first && first.type === 'vad-start' ? first.sample : -1).toBeGreaterThanOrEqual(onset - ms(100));
    // The speaker went quiet at the likely onset, before the turn's start was confirmed and the reply cancelled.
    expect(room.stops[0]).toBeGreaterThan(onset);
    expect(room.stops[0]).toBeLessThan(t.confirmedAt() as number);
    expect(room.starts).toHaveLength(1);
  });

  it('the echo gate estimates the room\'s delay from the audio', async () => {
    const room = new EchoRoom(DESK_ROOM);
    const gate = new EchoGate();
    const it = room.source.chunks()[Symbol.asyncIterator]();
    gate.opened(REPLY_RATE);
    room.sink.open(REPLY_RATE);
    void room.sink.write(reply);
    gate.played(reply);
    for (let i = 0; i < 80; i++) gate.frame((await it.next()).value as Int16Array);
    await room.source.stop();
    expect(Math.abs((gate.estimate?.delay ?? -1) - DESK_ROOM.delay)).toBeLessThanOrEqual(2);
  });

  /** Where the reply starts playing on the capture clock, in the file-fed tests. */
  const AT = ms(1000);
  /**
   * Plays once the capture reaches `at` (or, given `reached`, once that says the file did); the file carries its
   * echo from there (sox's file is not paced).
   */
  function fileSink(at: number, p: () => VoicePipeline, reached?: () => boolean) {
    let length = 0;
    let stopped = false;
    const waitFor = async (sample: number) => {
      while (!stopped && (p().listeningSample ?? 0) < sample) await new Promise((r) => setTimeout(r, 1));
    };
    const sink: AudioSink = {
      name: 'file-paced',
      open: async () => {
        stopped = false;
        if (!reached) return waitFor(at);
        while (!stopped && !reached()) await new Promise((r) => setTimeout(r, 1));
      },
      write: async (pcm) => void (length += pcm.length),
      drain: () => waitFor(at + Math.round((length * 16_000) / REPLY_RATE) + ms(600)),
      stop: async () => void (stopped = true),
    };
    return sink;
  }

  /** The microphone's file: the reply's echo as the room returns it, 300 ms after it is handed over, and the user. */
  async function roomFile(withUser: boolean): Promise<{ pcm: Int16Array; onset: number }> {
    const reply16 = await speakAt(REPLY, 16_000);
    const mic = new Float32Array(AT + ms(300) + reply16.length + ms(3000));
    const taps: Array<[number, number]> = [[0, 1], ...DESK_ROOM.reflections];
    for (const [d, g] of taps) for (let i = 0; i < reply16.length; i++) mic[AT + ms(300) + d + i] = (mic[AT + ms(300) + d + i] as number) + DESK_ROOM.gain * g * (reply16[i] as number);
    const onset = AT + ms(300) + ms(1500);
    if (withUser) for (let i = 0; i < user.length; i++) mic[onset + i] = (mic[onset + i] as number) + (user[i] as number);
    const floor = noise(mic.length, 30, 3);
    return { pcm: Int16Array.from(mic, (v, i) => Math.max(-32768, Math.min(32767, Math.round(v + (floor[i] as number))))), onset };
  }

  describe('through sox capture of a file', () => {
    async function run(withUser: boolean) {
      const dir = tempDir('jett-barge-');
      const { pcm, onset } = await roomFile(withUser);
      const fake = fakeMicrophone(dir, pcm);
      const home = process.env.HOME;
      process.env.HOME = fake.home;
      let t: ReturnType<typeof pipeline> | null = null;
      try {
        const sink = fileSink(AT, () => (t as ReturnType<typeof pipeline>).p);
        t = pipeline(sink, () => new MicrophoneSource({ recorder: 'sox', device: 'default', resolveBinary: (n) => resolveBinary(n) }));
        await t.p.start();
        const record = await t.p.speak('Reply.');
        await t.p.stop();
        return { record, starts: t.starts(), onset };
      } finally {
        process.env.HOME = home;
      }
    }

    it('the reply alone plays to its end', async () => {
      const { record, starts } = await run(false);
      expect(record.outcome).toBe('answered');
      expect(starts).toEqual([]);
    });

    it('the user speaking over it interrupts it', async () => {
      const { record, starts, onset } = await run(true);
      expect(record.outcome).toBe('cancelled');
      expect(record.reason).toBe('barge-in');
      const first = starts[0];
      expect(first && first.type === 'vad-start' ? first.sample : -1).toBeGreaterThanOrEqual(onset - ms(100));
    });
  });
  describeWith([binary('chromium')], 'through the app\'s capture page in headless Chromium', () => {
    let server: Awaited<ReturnType<typeof serveRenderer>>;
    let browser: Browser | null = null;
    beforeAll(async () => {
      const rendererDir = tempDir('jett-barge-renderer-');
      await buildRenderer(rendererDir);
      server = await serveRenderer(rendererDir);
      return async () => {
        await browser?.close();
        await server.close();
      };
    }, 120_000);

    async function run(withUser: boolean) {
      const { pcm, onset } = await roomFile(withUser);
      const wav = path.join(tempDir('jett-barge-page-'), 'room.wav');
      writeWav(wav, pcm);
      await browser?.close();
      browser = await launchWithMicrophone(wav);
      const page = await openCapturePage(browser, server.origin);
      let t: ReturnType<typeof pipeline> | null = null;
      // Chromium's fake device plays the file in real time from the moment the stream starts, while the capture
      // drops the input of its first 35-280 ms (more under load): counted in captured samples, the file's echo would
      // come early, even before its playback. So the reply plays when the file reaches AT by the wall clock.
      let startedAt = Infinity;
      const sink = fileSink(AT, () => (t as ReturnType<typeof pipeline>).p, () => Date.now() >= startedAt + (AT * 1000) / 16_000);
      // The app's defaults: Chromium's canceller, noise suppression and gain control on (its canceller has no
      // reference here: the reply is not played by the page), so Jett's suppression is what keeps the echo out.
      t = pipeline(sink, () => new PageCaptureSource(page, { settings: { deviceId: '', echoCancellation: true, noiseSuppression: true, autoGainControl: true }, onStarted: () => (startedAt = Date.now()) }));
      await t.p.start();
      const record = await t.p.speak('Reply.');
      await t.p.stop();
      return { record, starts: t.starts(), onset };
    }

    it('the reply alone plays to its end', async () => {
      const { record, starts } = await run(false);
      expect(record.outcome).toBe('answered');
      expect(starts).toEqual([]);
    }, 60_000);

    it('the user speaking over it interrupts it', async () => {
      const { record } = await run(true);
      expect(record.outcome).toBe('cancelled');
      expect(record.reason).toBe('barge-in');
    }, 60_000);
  });
});
