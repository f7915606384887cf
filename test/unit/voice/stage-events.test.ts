// The pipeline's stage events on the bus (`voice.stage`): once each per turn and in order, the very times the
// turn's latencies are read from; a stage error with its code; a cancel that is a cancel (no error event, no
// error state); and the table at work: a held reply that ended never sends the state back to `thinking`.
import { describe, expect, it } from 'vitest';
import { VoiceStageEventSchema, VoiceTurnRecordSchema, type VoiceStageEvent, type VoiceTurnRecord } from '../../../main/core/contracts/index.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import type { LanguageModel, SpeechToText } from '../../../main/core/voice/engines.js';
import { EngineError } from '../../../main/core/voice/errors.js';
import { VoicePipeline, type VoicePipelineOptions } from '../../../main/core/voice/pipeline.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from '../../../main/core/voice/test-engines.js';
import { CheckingSink, loudness, ScriptedMic, silence, speech } from './scripted.js';

const logger = createLogger({ sink: () => undefined, format: 'json' });

function build(opts: Partial<VoicePipelineOptions> & { llm?: LanguageModel; stt?: SpeechToText; ttsMsPerWord?: number; withBus?: boolean } = {}) {
  const mic = new ScriptedMic();
  const sink = new CheckingSink();
  const bus = new EventBus();
  const events: VoiceStageEvent[] = [];
  const states: string[] = [];
  bus.on('voice.stage', (e) => events.push(VoiceStageEventSchema.parse(e)));
  bus.on('voice.state', (e) => states.push(e.state));
  const pipeline = new VoicePipeline({
    engines: {
      stt: opts.stt ?? new ScriptedSpeechToText({ text: () => 'turn on the lights' }),
      llm: opts.llm ?? new ScriptedLanguageModel({ reply: 'The lights are on now. Anything else?' }),
      tts: new ToneTextToSpeech({ msPerWord: opts.ttsMsPerWord ?? 20 }),
    },
    sink,
    vad: loudness,
    openSource: () => mic,
    logger,
    ...(opts.withBus === false ? {} : { bus }),
    options: { activation: 'hotkey', bargeIn: 'off', endpoint: DEFAULT_ENDPOINT, memoryTurns: 0, systemPrompt: 'be brief', ...opts },
  });
  return { pipeline, mic, sink, events, states };
}

const of = (events: VoiceStageEvent[], turn: string) => events.filter((e) => 'turn' in e && e.turn === turn);

describe('voice stage events', () => {
  it('an answered turn: each stage once, in order, and the latencies are the stage times', async () => {
    const t = build();
    await t.pipeline.start();
    const record = VoiceTurnRecordSchema.parse(await t.pipeline.ask('turn on the lights'));
    await t.pipeline.stop();
    const events = of(t.events, record.id);
    expect(events.map((e) => e.type)).toEqual(['turn-start', 'llm-first-token', 'first-fragment', 'tts-first-audio', 'playback-start', 'turn-end']);
    expect(events[0]).toMatchObject({ source: 'ask', held: false });
    expect(events.at(-1)).toMatchObject({ outcome: 'answered', reason: null });
    const at = (type: VoiceStageEvent['type']) => events.find((e) => e.type === type)!.ms;
    const l = record.latencies;
    // Both sides are relative to the same end-of-turn decision: their differences agree to the record's rounding.
    expect(Math.abs(l.playback_start_ms! - l.llm_first_token_ms! - (at('playback-start') - at('llm-first-token')))).toBeLessThanOrEqual(0.11);
    expect(Math.abs(l.tts_first_audio_ms! - l.first_fragment_ms! - (at('tts-first-audio') - at('first-fragment')))).toBeLessThanOrEqual(0.11);
  });

  it('a cancel is a cancel: outcome cancelled with its reason, no error event, and the tray shows idle', async () => {
    const t = build({ ttsMsPerWord: 400 });
    await t.pipeline.start();
    let cancelling: Promise<void> | null = null;
    t.sink.onWrite = () => {
      cancelling ??= t.pipeline.cancel('hotkey');
    };
    const record = await t.pipeline.ask('tell me a long story');
    await cancelling;
    expect(record).toMatchObject({ outcome: 'cancelled', reason: 'hotkey' });
    expect(of(t.events, record.id).at(-1)).toMatchObject({ type: 'turn-end', outcome: 'cancelled', reason: 'hotkey' });
    expect(t.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(t.pipeline.currentState).toBe('idle');
    expect(t.states).not.toContain('error');
    expect(t.sink.writesAfterStop).toBe(0);
    await t.pipeline.stop();
  });

  it('a failed LLM is a stage error with its code, message and fix, then a failed end', async () => {
    const broken: LanguageModel = {
      name: 'broken',
      async *stream() {
        throw new EngineError('Ollama is not running at http://127.0.0.1:9', 'start Ollama');
      },
    };
    const t = build({ llm: broken });
    await t.pipeline.start();
    const record = await t.pipeline.ask('hello');
    const events = of(t.events, record.id);
    expect(events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({ stage: 'llm', code: 'llm-failed', message: 'Ollama is not running at http://127.0.0.1:9', fix: 'start Ollama' }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'turn-end', outcome: 'failed' });
    expect(t.pipeline.currentState).toBe('error');
    await t.pipeline.stop();
  });

  it('a failed speech-to-text names the stt stage', async () => {
    const stt: SpeechToText = {
      name: 'broken stt',
      transcribe: async () => {
        throw new EngineError('the Whisper model is missing', 'run `jett models pull whisper-base`');
      },
    };
    const t = build({ stt });
    await t.pipeline.start();
    await t.pipeline.startListening();
    const done = new Promise<VoiceTurnRecord>((resolve) => t.pipeline.onTurn(resolve));
    t.mic.say(silence(200), speech(800), silence(600));
    const record = await done;
    expect(record.outcome).toBe('failed');
    expect(of(t.events, record.id).find((e) => e.type === 'error')).toMatchObject({ stage: 'stt', code: 'stt-failed', fix: 'run `jett models pull whisper-base`' });
    await t.pipeline.stop();
  });

  it('a held reply with an empty transcript ends at once, and the real end of the turn does not revive it', async () => {
    // Speech-to-text hears nothing: the reply prepared at the tentative end ends as no-speech while held.
    const t = build({ activation: 'handsFree', endpoint: { ...DEFAULT_ENDPOINT, preemptMs: 150 }, stt: { name: 'hears nothing', transcribe: async () => ({ text: '' }) } });
    await t.pipeline.start();
    const done = new Promise<VoiceTurnRecord>((resolve) => t.pipeline.onTurn(resolve));
    t.mic.say(speech(600), silence(800));
    const record = await done;
    expect(record.outcome).toBe('no-speech');
    // The end-of-turn decision comes after the held reply ended: its release is refused, not a return to thinking.
    while (!t.events.some((e) => e.type === 'vad-end')) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 0));
    expect(t.events.findIndex((e) => e.type === 'turn-end')).toBeLessThan(t.events.findIndex((e) => e.type === 'vad-end'));
    expect(of(t.events, record.id).map((e) => e.type)).toEqual(['turn-start', 'stt-final', 'turn-end']);
    expect(t.states).not.toContain('thinking');
    expect(t.pipeline.currentState).toBe('listening');
    await t.pipeline.stop();
  });

  it('without a bus of its own, onState, onTurn and onPartial still hear the pipeline (the CLI builds it so)', async () => {
    const t = build({ withBus: false });
    const states: string[] = [];
    const turns: string[] = [];
    t.pipeline.onState((s) => states.push(s));
    t.pipeline.onTurn((r) => turns.push(r.outcome));
    await t.pipeline.start();
    await t.pipeline.speak('Done.');
    await t.pipeline.stop();
    expect(states).toEqual(['idle', 'thinking', 'speaking', 'idle', 'off']);
    expect(turns).toEqual(['answered']);
    expect(t.events).toEqual([]);
  });
});
