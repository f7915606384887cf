// One turn: its reply through the stages (speech-to-text, LLM and fragments, TTS, playback, running side by side),
// moved through the transition table of turn-state.ts. Every stage event goes through `emit`, which also records
// its time; the side effects of every move (stage events, the record, the log, the notification) are in `enter`.
import type { VoiceStageEvent, VoiceTurnRecord } from '../contracts/voice.js';
import { formatError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { AudioSink, VoiceEngines } from './engines.js';
import { stageFailure } from './errors.js';
import type { FragmenterOptions } from './fragmenter.js';
import type { PreparedReply } from './memory-hook.js';
import { AsyncQueue } from './queue.js';
import type { StageContext, TurnStageEvent } from './stages/context.js';
import { compose } from './stages/compose.js';
import { play } from './stages/play.js';
import { synthesize } from './stages/synthesize.js';
import { transcribe } from './stages/transcribe.js';
import type { TurnLog } from './turn-log.js';
import { MARKS, turnRecord, type Mark, type TurnFacts } from './turn-record.js';
import { isFinal, nextPhase, verdict, type FinalPhase, type LivePhase, type TurnAbort, type TurnPhase, type TurnSignal } from './turn-state.js';
import type { DetectedTurn } from './turn-detector.js';

export type TurnInput =
  | {
      kind: 'audio';
      turn: DetectedTurn;
      source: 'microphone' | 'file';
      t0: number;
      at: Date;
      /** For a reply prepared at a tentative end: resolves with the final turn, or null when speech resumed. */
      gate?: Promise<DetectedTurn | null>;
    }
  | { kind: 'ask' | 'speak'; text: string; t0: number; at: Date };

export interface TurnDeps {
  engines: VoiceEngines;
  sink: AudioSink;
  bus: EventBus;
  turnLog: TurnLog;
  log: Logger;
  fragmenter: FragmenterOptions;
  clock: () => number;
  now: () => Date;
  /** The chat so far (system prompt, recalled memories, recent turns) with the user's words last, or a memory command's answer. */
  prepare: (transcript: string) => Promise<PreparedReply>;
  /** Told after every move and its side effects: the pipeline reads its visible state from the turn's phase. */
  moved: (turn: Turn) => void;
}

/** Stage events that move the turn: the first audio at the speakers makes it `speaking`. */
const SIGNAL_OF_STAGE: Readonly<Partial<Record<TurnStageEvent['type'], TurnSignal>>> = { 'playback-start': 'audio' };

export class Turn {
  private phaseNow: TurnPhase;
  private readonly ctl = new AbortController();
  private readonly facts: TurnFacts;
  private resolveFinished!: (record: VoiceTurnRecord) => void;
  /** The record once the turn has ended (a dropped reply's too, though it is never published). */
  readonly finished = new Promise<VoiceTurnRecord>((resolve) => (this.resolveFinished = resolve));

  constructor(
    private readonly input: TurnInput,
    readonly id: string,
    private readonly deps: TurnDeps,
  ) {
    this.phaseNow = input.kind === 'audio' && input.gate ? 'held' : 'thinking';
    this.facts = {
      id,
      source: input.kind === 'audio' ? input.source : input.kind,
      at: input.at,
      t0: input.t0,
      audio: input.kind === 'audio' ? input.turn : null,
      transcript: input.kind === 'audio' ? '' : input.text,
      reply: input.kind === 'speak' ? input.text : '',
      fragments: 0,
      marks: {},
    };
  }

  get phase(): TurnPhase {
    return this.phaseNow;
  }

  /** The phase while the turn runs, null once it has ended. */
  get live(): LivePhase | null {
    return isFinal(this.phaseNow) ? null : this.phaseNow;
  }

  /** Stops the turn's stages at once with this reason; refused once the turn has ended. The first reason wins. */
  abort(reason: TurnAbort): boolean {
    if (isFinal(this.phaseNow)) return false;
    this.ctl.abort(reason);
    return true;
  }

  async run(): Promise<VoiceTurnRecord> {
    const { stt, llm, tts } = this.deps.engines;
    const { sink } = this.deps;
    const input = this.input;
    const signal = this.ctl.signal;
    const ctx: StageContext = { signal, emit: (event) => this.emit(event) };
    const fail = (stage: 'stt' | 'llm' | 'tts' | 'playback') => (error: unknown) => void this.abort({ kind: 'fail', stage, error });
    this.emit({ type: 'turn-start', source: this.facts.source, held: this.phaseNow === 'held' });
    const gate = input.kind === 'audio' ? input.gate : undefined;
    const released: Promise<boolean> = gate
      ? Promise.race([gate.then((final) => this.release(final)), new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true }))])
      : Promise.resolve(true);
    // sox `play` starts while the models work, so its start-up is not on the critical path.
    const opened = sink.open(tts.sampleRate);
    opened.catch(fail('playback'));
    try {
      if (input.kind === 'audio') this.facts.transcript = await transcribe(stt, input.turn.audio, ctx);
    } catch (err) {
      fail('stt')(err);
    }
    if (this.facts.transcript && !signal.aborted) {
      const fragments = new AsyncQueue<string>();
      const audio = new AsyncQueue<Int16Array>();
      signal.addEventListener('abort', () => {
        fragments.close(true);
        audio.close(true);
      });
      const source = input.kind === 'speak' ? { kind: 'text' as const, text: input.text } : { kind: 'llm' as const, llm, prepare: () => this.deps.prepare(this.facts.transcript) };
      await Promise.all([
        compose(source, this.deps.fragmenter, ctx, { fragment: (f) => fragments.push(f), token: (t) => (this.facts.reply += t) })
          .catch(fail('llm'))
          .finally(() => fragments.close()),
        synthesize(tts, fragments, ctx, { fragment: () => this.facts.fragments++, audio: (pcm) => audio.push(pcm) })
          .catch(fail('tts'))
          .finally(() => audio.close()),
        play(sink, opened, released, audio, ctx).catch(fail('playback')),
      ]);
    }
    const end = verdict(signal, this.facts.transcript);
    if (end === 'done') await opened.then(() => undefined, () => undefined);
    else await sink.stop();
    if (!this.move(end)) throw new Error(`voice turn ${this.id}: the turn table refused "${end}" from "${this.phaseNow}"`);
    return this.finished;
  }

  /** The tentative end became a real one (or speech resumed): the held reply may play, or is dropped. */
  private release(final: DetectedTurn | null): boolean {
    if (this.ctl.signal.aborted || isFinal(this.phaseNow)) return false;
    if (final === null) {
      this.abort({ kind: 'resume' });
      return false;
    }
    this.facts.audio = final;
    return this.move('release');
  }

  /** The one way a stage event leaves the turn: a mark is published once, the first time, and its time kept. */
  private emit(event: TurnStageEvent): void {
    const type = event.type;
    let ms: number;
    if (isMark(type)) {
      if (this.facts.marks[type] !== undefined) return;
      ms = this.facts.marks[type] = this.deps.clock();
    } else ms = this.deps.clock();
    this.deps.bus.emit('voice.stage', { ...event, turn: this.id, ms } as VoiceStageEvent);
    const signal = SIGNAL_OF_STAGE[type];
    if (signal) this.move(signal);
  }

  private move(signal: TurnSignal): boolean {
    const from = this.phaseNow;
    const to = nextPhase(from, signal);
    if (to === null) return false;
    this.phaseNow = to;
    this.enter(from, to);
    this.deps.moved(this);
    return true;
  }

  /** The side effects of entering a phase, all of them. */
  private enter(from: TurnPhase, to: TurnPhase): void {
    if (from === 'held' && to === 'thinking') {
      // The end-of-turn decision: the latencies count from here.
      this.facts.t0 = this.deps.clock();
      this.facts.at = this.deps.now();
      this.emit({ type: 'turn-released' });
      return;
    }
    if (isFinal(to)) this.end(to);
  }

  private end(phase: FinalPhase): void {
    const abort = this.ctl.signal.aborted ? (this.ctl.signal.reason as TurnAbort) : null;
    const { engines, clock, turnLog, log, bus } = this.deps;
    const outcome = phase === 'dropped' ? 'cancelled' : phase;
    const reason =
      abort?.kind === 'cancel' ? abort.reason : abort?.kind === 'resume' ? 'speech resumed' : abort?.kind === 'fail' ? formatError(abort.error) : phase === 'no-speech' ? 'the transcript was empty' : null;
    const record = turnRecord(this.facts, outcome, reason, engines, clock());
    if (abort?.kind === 'fail') {
      const f = stageFailure(abort.stage, abort.error);
      this.emit({ type: 'error', stage: f.stage, code: f.code, message: f.message, fix: f.fix });
      log.error('voice turn failed', { error: reason, code: f.code });
      bus.emit('notification', { title: 'Jett could not answer', body: reason ?? '' });
    }
    this.emit({ type: 'turn-end', outcome: phase, reason });
    // The user went on speaking: this was never a turn. The real one follows.
    if (phase === 'dropped') log.debug('prepared reply dropped: speech resumed', { stages: Object.keys(this.facts.marks) });
    else turnLog.publish(record);
    this.resolveFinished(record);
  }
}

function isMark(type: string): type is Mark {
  return (MARKS as readonly string[]).includes(type);
}
