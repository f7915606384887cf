// The whole pipeline with real parts: sox capture from a fake ALSA microphone, the real Silero VAD, the real
// `ollama` client against the loopback fake, espeak-ng speech and sox `play` into the fake device. Scripted
// speech-to-text stands in for Whisper (no weights here). Checks the turn, the audio played, and that a cancel
// leaves no audio and no child process behind.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { VoiceTurnRecordSchema, type VoiceTurnRecord } from '../../../main/core/contracts/index.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { MicrophoneSource } from '../../../main/core/voice/capture.js';
import { liveChildren } from '../../../main/core/voice/children.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import type { AudioSink } from '../../../main/core/voice/engines.js';
import { EspeakTextToSpeech } from '../../../main/core/voice/espeak-tts.js';
import { OllamaLanguageModel } from '../../../main/core/voice/ollama.js';
import { VoicePipeline, type VoicePipelineOptions } from '../../../main/core/voice/pipeline.js';
import { SoxPlayer } from '../../../main/core/voice/playback.js';
import { VoiceStore } from '../../../main/core/voice/store.js';
import { ScriptedSpeechToText } from '../../../main/core/voice/test-engines.js';
import { SileroVad } from '../../../main/core/voice/vad.js';
import { fakeMicrophone, makeClip, type Clip } from '../../helpers/audio.js';
import { startFakeOllama, type FakeOllama } from '../../helpers/fake-ollama.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

const realHome = process.env.HOME;
const which = (n: string) => resolveBinary(n);
const logger = createLogger({ sink: () => undefined, format: 'json' });

/** Counts what reaches the real player, and any write after a stop. */
class CountingSink implements AudioSink {
  readonly name = 'sox playback (counted)';
  writes = 0;
  writesAfterStop = 0;
  private stopped = false;
  onWrite: (() => void) | null = null;
  constructor(private readonly inner: AudioSink) {}
  async open(rate: number): Promise<void> {
    this.stopped = false;
    await this.inner.open(rate);
  }
  async write(pcm: Int16Array): Promise<void> {
    if (this.stopped) this.writesAfterStop++;
    this.writes++;
    this.onWrite?.();
    await this.inner.write(pcm);
  }
  drain(): Promise<void> {
    return this.inner.drain();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.inner.stop();
  }
}

describeWith([binary('sox'), binary('espeak-ng')], 'voice pipeline with real capture, VAD, Ollama client, espeak-ng and sox playback', () => {
  let clip: Clip;
  let vad: SileroVad;
  let ollama: FakeOllama;
  beforeAll(async () => {
    clip = await makeClip(['Turn on the lights in the kitchen'], { leadMs: 400, tailMs: 2000 });
    vad = await SileroVad.load();
    ollama = await startFakeOllama({ models: ['llama3.2:3b'], reply: () => 'Okay, the kitchen lights are on. They will switch off at midnight, as usual. Anything else?'.match(/\s*\S+/g) ?? [] });
    return async () => {
      await ollama.close();
      await vad.close();
    };
  });
  afterEach(() => {
    process.env.HOME = realHome;
  });

  function build(home: string, options: Partial<VoicePipelineOptions> = {}) {
    const sink = new CountingSink(new SoxPlayer({ resolveBinary: which }));
    const bus = new EventBus();
    const states: string[] = [];
    bus.on('voice.state', (e) => states.push(e.state));
    const db = new Database(':memory:');
    const pipeline = new VoicePipeline({
      engines: {
        stt: new ScriptedSpeechToText({ text: () => 'turn on the lights in the kitchen' }),
        llm: new OllamaLanguageModel({ host: ollama.url, model: 'llama3.2:3b', keepAlive: '30m' }),
        tts: new EspeakTextToSpeech({ resolveBinary: which }),
      },
      sink,
      vad,
      openSource: () => new MicrophoneSource({ recorder: 'sox', device: 'default', resolveBinary: which }),
      logger,
      bus,
      store: new VoiceStore(db),
      options: { activation: 'hotkey', bargeIn: 'off', endpoint: DEFAULT_ENDPOINT, memoryTurns: 4, systemPrompt: 'be brief', ...options },
    });
    process.env.HOME = home;
    return { pipeline, sink, states, db };
  }

  it('answers a spoken question aloud, records every stage, and leaves no child process', async () => {
    const mic = fakeMicrophone(tempDir('jett-voice-'), clip.pcm);
    const t = build(mic.home);
    const warm = await t.pipeline.start();
    expect(warm).toEqual([]);
    const turn = new Promise<VoiceTurnRecord>((resolve) => t.pipeline.onTurn(resolve));
    await t.pipeline.startListening();
    const record = VoiceTurnRecordSchema.parse(await turn);
    expect(record.outcome).toBe('answered');
    expect(record.reply).toBe('Okay, the kitchen lights are on. They will switch off at midnight, as usual. Anything else?');
    expect(record.fragments).toBe(4);
    for (const v of Object.values(record.latencies)) expect(v).not.toBeNull();
    expect(record.audio!.speech_end).toBeGreaterThanOrEqual(clip.speechEnd);
    expect(fs.statSync(mic.playedFile).size).toBeGreaterThan(16_000);
    expect(t.states).toEqual(['idle', 'listening', 'thinking', 'speaking', 'idle']);
    expect(new VoiceStore(t.db).recent(1)[0]!.id).toBe(record.id);
    await t.pipeline.stop();
    expect(liveChildren()).toEqual([]);
  });

  it('a cancel during playback kills sox and espeak-ng: no audio after it, no orphan process', async () => {
    const mic = fakeMicrophone(tempDir('jett-voice-'), clip.pcm);
    const t = build(mic.home);
    await t.pipeline.start();
    let cancelled: Promise<void> | null = null;
    t.sink.onWrite = () => {
      cancelled ??= t.pipeline.cancel('barge-in');
    };
    const record = await t.pipeline.speak('This is a long announcement. It has several sentences. Each of them takes a while to say. Nobody will hear the end of it.');
    await cancelled;
    expect(record.outcome).toBe('cancelled');
    expect(record.reason).toBe('barge-in');
    expect(t.sink.writesAfterStop).toBe(0);
    expect(liveChildren()).toEqual([]);
    const size = fs.existsSync(mic.playedFile) ? fs.statSync(mic.playedFile).size : 0;
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(mic.playedFile) ? fs.statSync(mic.playedFile).size : 0).toBe(size);
    await t.pipeline.stop();
  });

  it('stop() while listening hands-free kills the recorder', async () => {
    const mic = fakeMicrophone(tempDir('jett-voice-'), new Int16Array(16_000 * 30));
    const t = build(mic.home, { activation: 'handsFree' });
    await t.pipeline.start();
    for (let i = 0; i < 100 && liveChildren().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const pids = liveChildren();
    expect(pids).toHaveLength(1);
    expect(t.pipeline.currentState).toBe('listening');
    await t.pipeline.stop();
    expect(liveChildren()).toEqual([]);
    expect(() => process.kill(pids[0]!, 0)).toThrow();
    expect(t.pipeline.currentState).toBe('off');
  });
});
