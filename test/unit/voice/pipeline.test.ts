// The pipeline's control flow with deterministic parts: a loudness "VAD", scripted audio and the test engines.
// Turn order, states on the bus, latency records in SQLite, memory, barge-in, push-to-talk, cancel and failure.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { VoiceStateSchema, VoiceTurnRecordSchema, type VoiceTurnRecord } from '../../../main/core/contracts/index.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import type { LanguageModel, SpeechToText } from '../../../main/core/voice/engines.js';
import { EngineError } from '../../../main/core/voice/errors.js';
import { VoicePipeline, type VoicePipelineOptions } from '../../../main/core/voice/pipeline.js';
import { VoiceStore } from '../../../main/core/voice/store.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from '../../../main/core/voice/test-engines.js';
import { CheckingSink, loudness, ScriptedMic, silence, speech } from './scripted.js';

/** What the pipelines logged, newest last. */
const logged: string[] = [];
const logger = createLogger({ sink: (line) => logged.push(line), format: 'json' });

function build(opts: Partial<VoicePipelineOptions> & { llm?: LanguageModel; stt?: SpeechToText; ttsMsPerWord?: number } = {}) {
  const mic = new ScriptedMic();
  const mics: ScriptedMic[] = [];
  const sink = new CheckingSink();
  const bus = new EventBus();
  const states: string[] = [];
  bus.on('voice.state', (e) => states.push(VoiceStateSchema.parse(e.state)));
  const busTurns: VoiceTurnRecord[] = [];
  bus.on('voice.turn', (t) => busTurns.push(t));
  const db = new Database(':memory:');
  const llm = opts.llm ?? new ScriptedLanguageModel({ reply: 'The lights are on now. Anything else?' });
  const tts = new ToneTextToSpeech({ msPerWord: opts.ttsMsPerWord ?? 60 });
  const pipeline = new VoicePipeline({
    engines: { stt: opts.stt ?? new ScriptedSpeechToText({ text: () => 'turn on the lights' }), llm, tts },
    sink,
    vad: loudness,
    openSource: () => {
      const m = mics.length === 0 ? mic : new ScriptedMic();
      mics.push(m);
      return m;
    },
    logger,
    bus,
    store: new VoiceStore(db),
    options: { activation: 'hotkey', bargeIn: 'off', endpoint: DEFAULT_ENDPOINT, memoryTurns: 4, systemPrompt: 'be brief', ...opts },
  });
  const turns: VoiceTurnRecord[] = [];
  pipeline.onTurn((t) => turns.push(VoiceTurnRecordSchema.parse(t)));
  const nextTurn = () => new Promise<VoiceTurnRecord>((resolve) => pipeline.onTurn(resolve));
  return { pipeline, mic, mics, sink, states, busTurns, turns, nextTurn, llm, tts, db };
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('VoicePipeline', () => {
  it('answers a hotkey turn, publishes each state and keeps the record with every stage in order', async () => {
    const t = build();
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    await t.pipeline.startListening();
    const done = t.nextTurn();
    t.mic.say(silence(200), speech(800), silence(600));
    const turn = await done;
    expect(turn.outcome).toBe('answered');
    expect(turn.transcript).toBe('turn on the lights');
    expect(turn.reply).toBe('The lights are on now. Anything else?');
    expect(turn.fragments).toBe(3);
    const l = turn.latencies;
    const order = [l.stt_final_ms, l.llm_first_token_ms, l.first_fragment_ms, l.tts_first_audio_ms, l.playback_start_ms] as number[];
    expect(order.every((v) => typeof v === 'number')).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Measured on the audio clock in 512-sample frames: speech from sample 3200 to 16000 lies in the frames
    // 3072..16384, and 300 ms (4800 samples, rounded up to whole frames) of silence ended the turn.
    expect(turn.audio).toEqual({ speech_start: 3072, speech_end: 16384, turn_end: 16384 + 5120, end_reason: 'silence' });
    expect(l.speech_end_ms).toBe(-320);
    expect(t.states).toEqual(['idle', 'listening', 'thinking', 'speaking', 'idle']);
    expect(t.mic.stopped).toBe(true);
    expect(t.busTurns.map((b) => b.id)).toEqual([turn.id]);
    expect(new VoiceStore(t.db).recent(5).map((r) => r.id)).toEqual([turn.id]);
  });

  it('prepares the reply during the silence, plays it only after the turn ends, and drops it if speech resumes', async () => {
    const t = build({ endpoint: { ...DEFAULT_ENDPOINT, preemptMs: 150 } });
    cleanup.push(() => t.pipeline.stop());
    let writesAtTurnEnd = -1;
    t.pipeline.onState((st) => {
      if (st === 'thinking' && writesAtTurnEnd < 0) writesAtTurnEnd = t.sink.writes;
    });
    await t.pipeline.start();
    await t.pipeline.startListening();
    const done = t.nextTurn();
    // A 200 ms pause (a tentative end that is withdrawn), then the end of the sentence and 600 ms of silence.
    t.mic.say(speech(600), silence(200), speech(600), silence(600));
    const turn = await done;
    await new Promise((r) => setTimeout(r, 20));
    expect(t.turns).toHaveLength(1);
    expect(turn.outcome).toBe('answered');
    expect(turn.audio).toMatchObject({ speech_end: Math.ceil((1400 * 16) / 512) * 512 });
    // Speech-to-text ran during the silence, before the decision; not one sample played before it.
    expect(turn.latencies.stt_final_ms!).toBeLessThan(0);
    expect(turn.latencies.playback_start_ms!).toBeGreaterThanOrEqual(0);
    expect(writesAtTurnEnd).toBe(0);
    expect(t.states).toEqual(['idle', 'listening', 'thinking', 'speaking', 'idle']);
  });

  it('sends the last turns from SQLite as memory with the next question', async () => {
    const llm = new ScriptedLanguageModel({ reply: 'Done.' });
    const t = build({ llm });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    await t.pipeline.ask('first question');
    await t.pipeline.ask('second question');
    expect(llm.lastMessages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: 'second question' },
    ]);
  });

  it('speak() says a text without the LLM, ask() answers one without speech-to-text', async () => {
    const t = build();
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    const spoken = await t.pipeline.speak('Your build finished. It took four minutes.');
    expect(spoken).toMatchObject({ source: 'speak', outcome: 'answered', fragments: 2, engines: { llm: null, stt: null } });
    expect(t.tts.fragments.slice(0, 2)).toEqual(['Your build finished.', 'It took four minutes.']);
    const asked = await t.pipeline.ask('is it raining');
    expect(asked).toMatchObject({ source: 'ask', outcome: 'answered', transcript: 'is it raining' });
    expect(asked.latencies.stt_final_ms).toBeNull();
    expect(asked.latencies.playback_start_ms).not.toBeNull();
  });

  it('push-to-talk: releasing the key ends the turn while the user still sounds', async () => {
    const t = build({ activation: 'pushToTalk' });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    await t.pipeline.startListening();
    const done = t.nextTurn();
    t.mic.say(speech(700));
    while (t.mic.queue[Symbol.asyncIterator] && t.pipeline.currentState !== 'listening') await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    await t.pipeline.stopListening();
    const turn = await done;
    expect(turn.outcome).toBe('answered');
    expect(turn.audio?.end_reason).toBe('released');
    expect(t.mic.stopped).toBe(true);
  });

  it('barge-in on: speech during the reply stops playback, cancels the reply and answers the new turn', async () => {
    const t = build({ activation: 'handsFree', bargeIn: 'on', ttsMsPerWord: 400 });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    const first = t.nextTurn();
    t.mic.say(speech(600), silence(500));
    let spoke = false;
    t.sink.onWrite = () => {
      if (spoke) return;
      spoke = true;
      t.mic.say(speech(600), silence(500));
    };
    const cancelled = await first;
    expect(cancelled.outcome).toBe('cancelled');
    expect(cancelled.reason).toBe('barge-in');
    const second = await t.nextTurn();
    expect(second.outcome).toBe('answered');
    expect(t.sink.writesAfterStop).toBe(0);
    expect(t.turns.map((x) => x.outcome)).toEqual(['cancelled', 'answered']);
  });

  it('barge-in on: a short noise during the reply hushes it, and the reply goes on and is answered', async () => {
    logged.length = 0;
    const t = build({ activation: 'handsFree', bargeIn: 'on', ttsMsPerWord: 200 });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    const first = t.nextTurn();
    t.mic.say(speech(600), silence(500));
    let noise = false;
    t.sink.onWrite = () => {
      if (noise) return;
      noise = true;
      // 70 ms of sound touches three or four 32 ms frames: a likely onset (three), never a turn (five).
      t.mic.say(silence(200), speech(70), silence(1500));
    };
    const turn = await first;
    expect(turn.outcome).toBe('answered');
    // Hushed once (the speaker stopped), then opened again to go on as soon as the onset was dropped.
    expect(logged.filter((l) => l.includes('likely onset, reply hushed'))).toHaveLength(1);
    expect(logged.filter((l) => l.includes('the onset came to nothing'))).toHaveLength(1);
    expect(t.sink.stops).toBe(1);
    expect(t.sink.opens).toBe(2);
    expect(t.turns.map((x) => x.outcome)).toEqual(['answered']);
  });

  it('barge-in off: the assistant does not hear itself, and no turn starts during the reply', async () => {
    const t = build({ activation: 'handsFree', bargeIn: 'off', ttsMsPerWord: 100 });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    const first = t.nextTurn();
    t.mic.say(speech(600), silence(500));
    let spoke = false;
    t.sink.onWrite = () => {
      if (spoke) return;
      spoke = true;
      t.mic.say(speech(600), silence(500));
    };
    expect((await first).outcome).toBe('answered');
    await new Promise((r) => setTimeout(r, 100));
    expect(t.turns.map((x) => x.outcome)).toEqual(['answered']);
  });

  it('barge-in auto where nothing is trusted (no suppression, a canceller that removed 3 dB): off, as if set off, with the reason', async () => {
    const t = build({ activation: 'handsFree', bargeIn: 'auto', ownSuppression: false, aecReductionDb: 3, ttsMsPerWord: 100 });
    cleanup.push(() => t.pipeline.stop());
    expect(t.pipeline.bargeIn.active).toBe(false);
    expect(t.pipeline.bargeIn.reason).toMatch(/removed only 3 dB/);
    await t.pipeline.start();
    const first = t.nextTurn();
    t.mic.say(speech(600), silence(500));
    let spoke = false;
    t.sink.onWrite = () => {
      if (spoke) return;
      spoke = true;
      t.mic.say(speech(600), silence(500));
    };
    expect((await first).outcome).toBe('answered');
    await new Promise((r) => setTimeout(r, 100));
    expect(t.turns.map((x) => x.outcome)).toEqual(['answered']);
  });

  it('stop() during a reply cancels it: no audio after the stop, the state is off', async () => {
    const t = build({ ttsMsPerWord: 400 });
    await t.pipeline.start();
    t.sink.onWrite = () => void t.pipeline.stop();
    const turn = await t.pipeline.ask('tell me a long story');
    expect(turn.outcome).toBe('cancelled');
    expect(turn.reason).toBe('stopped');
    await t.pipeline.stop();
    expect(t.sink.writesAfterStop).toBe(0);
    expect(t.pipeline.currentState).toBe('off');
  });

  it('asks for partial transcripts while the user speaks, when the engine offers them', async () => {
    const partialAudio: number[] = [];
    const stt: SpeechToText = {
      name: 'streaming test stt',
      transcribe: async (audio) => ({ text: `heard ${audio.length} samples` }),
      partial: async (audio) => {
        partialAudio.push(audio.length);
        return { text: `partial ${audio.length}` };
      },
    };
    const t = build({ activation: 'handsFree', partialEveryMs: 500, stt });
    cleanup.push(() => t.pipeline.stop());
    const partials: string[] = [];
    t.pipeline.onPartial((p) => partials.push(p));
    await t.pipeline.start();
    const done = t.nextTurn();
    t.mic.say(speech(1600), silence(600));
    const turn = await done;
    expect(turn.outcome).toBe('answered');
    // 1.6 s of speech: partials at 0.5, 1.0 and 1.5 s of it, each on the audio so far (growing).
    expect(partialAudio.length).toBeGreaterThanOrEqual(2);
    expect([...partialAudio].sort((a, b) => a - b)).toEqual(partialAudio);
    expect(partials[0]).toMatch(/^partial \d+$/);
  });

  it('an engine failure is a failed turn with the fix, an error state and a notification', async () => {
    const broken: LanguageModel = {
      name: 'broken',
      async *stream() {
        throw new EngineError('Ollama is not running at http://127.0.0.1:9', 'start Ollama');
      },
    };
    const t = build({ llm: broken });
    cleanup.push(() => t.pipeline.stop());
    await t.pipeline.start();
    const turn = await t.pipeline.ask('hello');
    expect(turn.outcome).toBe('failed');
    expect(turn.reason).toContain('Ollama is not running');
    expect(turn.reason).toContain('fix: start Ollama');
    expect(t.pipeline.currentState).toBe('error');
  });
});
