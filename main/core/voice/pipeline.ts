// The voice pipeline: listening sessions (capture and endpointing), held replies, and one turn at a time through
// the stages (turn.ts), with barge-in and the state the tray shows, read from one place (turn-state.ts). Built from
// injected engines, audio source, sink, clock and logger, so every part can be real or a test double. Everything it
// tells the world goes on the one bus: `voice.state`, `voice.stage`, `voice.turn`, `notification`.
import { randomUUID } from 'node:crypto';
import type { VoiceState, WakeStatus } from '../contracts/status.js';
import type { BargeInSetting, BargeInStatus, VoiceActivation, VoiceStageEvent, VoiceTurnRecord } from '../contracts/voice.js';
import { formatError } from '../errors.js';
import { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { decideBargeIn, type BargeInDecision } from './barge-in.js';
import type { AudioSource } from './capture.js';
import { EchoGate } from './echo-gate.js';
import { EchoTapSink } from './echo-tap.js';
import { HushableSink } from './hushable-sink.js';
import type { EndpointOptions } from './endpointer.js';
import type { AudioSink, ChatMessage, VoiceEngines } from './engines.js';
import { stageFailure, VoiceError } from './errors.js';
import { DEFAULT_FRAGMENTER, type FragmenterOptions } from './fragmenter.js';
import { HandsFreeWake, type WakeSetup } from './hands-free-wake.js';
import { HeldReply } from './held-reply.js';
import { Listening } from './listening.js';
import type { MemoryCommand, PreparedReply, TurnMemory } from './memory-hook.js';
import type { VoiceStore } from './store.js';
import { TurnDetector, type DetectedTurn, type DetectorEvent } from './turn-detector.js';
import { TurnLog } from './turn-log.js';
import { noSpeechRecord } from './turn-record.js';
import { visibleState } from './turn-state.js';
import { Turn, type TurnInput } from './turn.js';
import type { FrameClassifier } from './vad.js';

export interface VoicePipelineOptions {
  activation: VoiceActivation;
  bargeIn: BargeInSetting;
  /** Chromium's measured echo reduction on the reply (the app's capture path); null or absent: not measured. */
  aecReductionDb?: number | null;
  /** Jett's own echo suppression can run: the reply plays through this pipeline's sink (default true). */
  ownSuppression?: boolean;
  endpoint: EndpointOptions;
  memoryTurns: number;
  systemPrompt: string;
  fragmenter?: FragmenterOptions;
  /** Audio between two partial transcripts while the user speaks (engines that offer partials only). */
  partialEveryMs?: number;
}

export interface VoicePipelineDeps {
  engines: VoiceEngines;
  sink: AudioSink;
  vad: FrameClassifier;
  /** Opens the microphone (a new source per listening session). */
  openSource: () => AudioSource;
  logger: Logger;
  options: VoicePipelineOptions;
  /** The agent's bus; without one the pipeline keeps its own, which onTurn, onState and onPartial read. */
  bus?: EventBus;
  store?: VoiceStore;
  /** Recall before the LLM, spoken memory commands, answered turns kept; without it voice answers from recent turns only. */
  memory?: TurnMemory;
  /** Monotonic milliseconds for the stages after the turn end; the audio itself is timed by its sample count. */
  clock?: () => number;
  now?: () => Date;
  newId?: () => string;
  /** Hands-free with a wake word (activation handsFree only); without it any speech starts a turn. */
  wake?: WakeSetup;
}

/** The stage events of a listening session, outside any turn (a capture error names no turn). */
type SessionStageEvent = Extract<VoiceStageEvent, { type: 'vad-start' | 'vad-end' | 'stt-partial' | 'error' }>;
type WithoutClock<E> = E extends unknown ? Omit<E, 'ms'> : never;

export class VoicePipeline {
  private started = false;
  /** The last turn or the microphone failed: shown until the user starts again. */
  private fault = false;
  private capture: Listening | null = null;
  private turn: Turn | null = null;
  private held: HeldReply | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  /** The microphone closing after a one-turn activation's reply. */
  private closing: Promise<void> = Promise.resolve();
  private shown: VoiceState = 'off';
  /** Memory commands of turns in progress, applied once their reply was given. */
  private readonly commands = new Map<string, MemoryCommand>();
  private readonly bus: EventBus;
  private readonly turnLog: TurnLog;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly wake: HandsFreeWake | null;
  /** The last capture failure, so the shell can show why listening stopped. */
  lastCaptureError: VoiceError | null = null;
  private readonly barge: BargeInDecision;
  /**
   * The sink every reply plays through: it shows the listening session's echo gate what is played, and goes quiet on
   * the user's likely onset until the turn start is confirmed (the reply is cancelled) or dropped (it goes on).
   */
  private readonly sink: HushableSink;

  constructor(private readonly deps: VoicePipelineDeps) {
    this.log = deps.logger.child({ component: 'voice' });
    this.bus = deps.bus ?? new EventBus();
    this.turnLog = new TurnLog(this.bus, this.log, deps.store);
    this.clock = deps.clock ?? (() => performance.now());
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    const { bargeIn, aecReductionDb, ownSuppression } = deps.options;
    this.barge = decideBargeIn({ setting: bargeIn, aecReductionDb: aecReductionDb ?? null, ownSuppression: ownSuppression ?? true });
    this.sink = new HushableSink(new EchoTapSink(deps.sink, () => this.capture?.gate ?? null), this.clock);
    this.wake =
      deps.wake && deps.options.activation === 'handsFree'
        ? new HandsFreeWake(deps.wake, {
            sink: this.sink,
            log: this.log,
            now: this.now,
            // The chime takes its turn on the sink: a reply never talks over it, nor it over a reply.
            queue: (play) => (this.chain = this.chain.then(play)),
          })
        : null;
  }

  /** Hands-free with a wake word: listening or paused, and its counts; null without a wake word. */
  wakeStatus(): WakeStatus | null {
    return this.wake?.status() ?? null;
  }

  /** The tray's one click: hands-free listening stops (the microphone closes) or starts again. */
  async pauseHandsFree(paused: boolean): Promise<void> {
    if (!this.wake) throw new VoiceError('hands-free with a wake word is not on', 'turn it on with `jett config set voice.activation handsFree` and `jett config set voice.wakeWord hey_jarvis`');
    this.wake.paused = paused;
    this.log.info(paused ? 'hands-free listening paused' : 'hands-free listening resumed');
    if (paused) {
      await this.closeCapture();
      this.refresh();
    } else if (this.started) await this.startListening();
  }

  /** Whether speech may interrupt a reply now, and why (the status snapshot and the window show it). */
  get bargeIn(): BargeInStatus {
    return { active: this.barge.active, reason: this.barge.reason };
  }

  /** The listening session's capture clock (samples heard so far), or null when the microphone is closed. */
  get listeningSample(): number | null {
    return this.capture?.detector.now ?? null;
  }

  get currentState(): VoiceState {
    return this.shown;
  }

  /** Subscribes to finished turns (answered, cancelled, failed); returns the unsubscribe function. */
  onTurn(listener: (r: VoiceTurnRecord) => void): () => void {
    return this.bus.on('voice.turn', listener);
  }

  onPartial(listener: (text: string) => void): () => void {
    return this.bus.on('voice.stage', (e) => {
      if (e.type === 'stt-partial') listener(e.text);
    });
  }

  onState(listener: (s: VoiceState) => void): () => void {
    return this.bus.on('voice.state', (e) => listener(e.state));
  }

  /**
   * Warms every engine (a cold first reply is the top complaint), then goes idle; hands-free starts listening.
   * Returns the warm-up failures: the pipeline still starts, and each turn reports the same error again.
   */
  async start(): Promise<VoiceError[]> {
    const { stt, llm, tts } = this.deps.engines;
    const started = this.clock();
    const results = await Promise.allSettled([stt.warmUp?.(), llm.warmUp?.(), tts.warmUp?.(), this.deps.vad.probability(new Float32Array(512))]);
    this.deps.vad.reset();
    const failures = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => (r.reason instanceof VoiceError ? r.reason : new VoiceError(`an engine failed to warm up: ${String(r.reason)}`, 'run `jett doctor`')));
    for (const f of failures) this.log.warn('voice engine warm-up failed', { error: formatError(f) });
    this.log.info('voice pipeline started', { activation: this.deps.options.activation, bargeIn: this.deps.options.bargeIn, bargeInActive: this.barge.active, bargeInReason: this.barge.reason, stt: stt.name, llm: llm.name, tts: tts.name, warmUpMs: Math.round(this.clock() - started) });
    this.started = true;
    this.fault = false;
    this.refresh();
    if (this.deps.options.activation === 'handsFree' && !this.wake?.paused) await this.startListening();
    return failures;
  }

  /** Opens the microphone for a turn (hotkey, push-to-talk), or for good (hands-free). */
  async startListening(): Promise<void> {
    if (!this.started) throw new VoiceError('the voice pipeline is not started', 'start the agent (`jett agent`) or the tray app first');
    if (this.capture) return;
    this.lastCaptureError = null;
    this.capture = this.listen(this.deps.openSource());
    this.fault = false;
    this.refresh();
  }

  /** Push-to-talk release: the turn ends here even if the VAD has not heard its end yet. */
  async stopListening(): Promise<void> {
    const cap = this.capture;
    if (!cap) return;
    const turn = cap.detector.release();
    this.capture = null;
    await cap.close();
    if (turn) void this.turnEnded(turn, 'microphone');
    else {
      this.dropHeld();
      this.fault = false;
      this.refresh();
    }
  }

  /**
   * The hotkey: interrupts a reply, ends a turn being spoken, or starts listening. In hands-free with a wake word it
   * stands for the wake word: the question starts at once (after a pause, for that one turn).
   */
  async toggle(): Promise<void> {
    if (this.turn && this.turn.live !== 'held') return this.cancel('hotkey');
    if (this.capture && this.deps.options.activation !== 'handsFree') return this.stopListening();
    await this.startListening();
    if (this.capture?.wakeGate?.listenNow()) {
      this.log.info('hotkey: listening for a question without the wake word');
      this.refresh();
    }
  }

  /** Says `text` (a `speak` request from the VPS inbox). */
  speak(text: string): Promise<VoiceTurnRecord> {
    return this.respond({ kind: 'speak', text, t0: this.clock(), at: this.now() });
  }

  /** Answers `text` aloud as if it had been spoken (an `ask` request from the VPS inbox). */
  ask(text: string): Promise<VoiceTurnRecord> {
    return this.respond({ kind: 'ask', text, t0: this.clock(), at: this.now() });
  }

  /** One turn from a finite source (`jett voice --input FILE`): the first turn it holds, or its end. */
  async runTurn(source: AudioSource, kind: 'file' | 'microphone' = 'file'): Promise<VoiceTurnRecord> {
    const detector = new TurnDetector(this.deps.vad, this.deps.options.endpoint);
    detector.reset();
    let reply: Promise<VoiceTurnRecord> | null = null;
    try {
      for await (const chunk of source.chunks()) {
        for (const ev of await detector.push(chunk)) {
          if (ev.type === 'pause') this.paused(ev.turn, kind);
          else if (ev.type === 'resume') this.dropHeld();
          else if (ev.type === 'turn-end') reply ??= this.turnEnded(ev.turn, kind);
        }
        if (reply) break;
      }
    } finally {
      await source.stop();
    }
    if (reply) return reply;
    const turn = detector.release();
    if (turn) return this.turnEnded(turn, kind);
    this.dropHeld();
    return this.turnLog.publish(noSpeechRecord(this.newId(), kind, this.now(), 'no speech was heard', this.deps.engines));
  }

  /** Stops the reply in progress (barge-in, hotkey, stop): LLM stream, TTS and playback, at once. */
  async cancel(reason: string): Promise<void> {
    const turn = this.turn;
    if (!turn) return;
    turn.abort({ kind: 'cancel', reason });
    await this.sink.stop();
    await turn.finished;
  }

  /** Stops everything: the reply, the microphone and its child process. */
  async stop(): Promise<void> {
    const closing = this.closeCapture();
    await this.cancel('stopped');
    await closing;
    await this.chain.catch(() => undefined);
    this.started = false;
    this.fault = false;
    this.refresh();
    this.log.info('voice pipeline stopped');
  }

  /** Whether the microphone is open for one turn only: hotkey, push-to-talk, or the hotkey while hands-free is paused. */
  private oneTurn(): boolean {
    return this.deps.options.activation !== 'handsFree' || (this.wake?.paused ?? false);
  }

  /** Publishes the visible state when it changed: the one place `voice.state` comes from. */
  private refresh(): void {
    // Waiting for the wake word is not listening: the tray shows it only once the phrase was heard.
    const listening = this.capture !== null && !(this.capture.wakeGate?.waiting ?? false);
    const state = visibleState({ started: this.started, listening, turn: this.turn?.live ?? null, fault: this.fault });
    if (state === this.shown) return;
    this.shown = state;
    this.bus.emit('voice.state', { state, at: this.now().toISOString() });
  }

  /** The stage events of a listening session, outside any turn. */
  private stage(event: WithoutClock<SessionStageEvent>): void {
    this.bus.emit('voice.stage', { ...event, ms: this.clock() } as SessionStageEvent);
  }

  private listen(source: AudioSource): Listening {
    const { active, suppression } = this.barge;
    const gate = suppression ? new EchoGate() : null;
    // Paused, the microphone was open only for the hotkey's question: with none asked, it closes again.
    const unanswered = () => {
      if (this.wake?.paused) this.closing = this.closeCapture();
      this.refresh();
    };
    const wake = this.wake ? { detector: this.wake.detector(), options: this.wake.gateOptions(), events: this.wake.events(() => this.refresh(), unanswered) } : undefined;
    const session: Listening = new Listening(source, this.deps.vad, { ...this.deps.options, gate, ...(wake ? { wake } : {}) }, this.deps.engines.stt, this.log, {
      // Without barge-in the assistant's own voice is not analysed: it would start a turn on itself.
      deaf: () => !active && this.turn !== null && this.turn.live !== 'held',
      hear: (ev) => this.heard(ev, this.oneTurn() && !active),
      partial: (text) => this.stage({ type: 'stt-partial', text }),
      failed: (err) => this.captureFailed(err),
      closing: () => {
        if (this.capture === session) this.capture = null;
      },
      ended: () => this.refresh(),
    });
    return session;
  }

  /** One detector event of a listening session; true ends the session (`oneTurn`: hotkey, push-to-talk). */
  private heard(ev: DetectorEvent, oneTurn: boolean): boolean | Promise<boolean> {
    switch (ev.type) {
      case 'onset':
        // Only a reply that is playing is hushed: the chime and a reply still being thought of go on.
        if (this.turn?.live === 'speaking' && this.sink.hush()) this.log.info('barge-in: likely onset, reply hushed', { sample: ev.sample });
        return false;
      case 'onset-dropped':
        if (this.sink.isHushed) {
          this.log.info('barge-in: the onset came to nothing, the reply goes on', { sample: ev.sample });
          void this.sink.resume();
        }
        return false;
      case 'pause':
        this.paused(ev.turn, 'microphone');
        return false;
      case 'resume':
        this.dropHeld();
        return false;
      case 'speech-start':
        this.stage({ type: 'vad-start', sample: ev.sample });
        return this.speechStarted(ev.sample);
      case 'turn-end':
        this.stage({ type: 'vad-end', sample: ev.turn.turnEnd });
        void this.turnEnded(ev.turn, 'microphone');
        // Hotkey and push-to-talk listen for one turn; with barge-in the microphone stays open during the reply.
        return oneTurn;
    }
  }

  private async speechStarted(sample: number): Promise<boolean> {
    if (this.turn) {
      this.log.info('barge-in: user speech during the reply', { sample });
      await this.cancel('barge-in');
    }
    this.fault = false;
    this.refresh();
    return false;
  }

  private captureFailed(err: unknown): void {
    const e = err instanceof VoiceError ? err : new VoiceError(`the microphone failed: ${String(err)}`, 'run `jett doctor`');
    this.lastCaptureError = e;
    this.log.error('microphone capture failed', { error: formatError(e) });
    this.stage({ type: 'error', turn: null, ...stageFailure('capture', e) });
    this.bus.emit('notification', { title: 'Jett cannot hear you', body: `${e.message}\nfix: ${e.fix}` });
    this.fault = true;
    this.refresh();
  }

  private async closeCapture(): Promise<void> {
    const cap = this.capture;
    if (!cap) return;
    this.capture = null;
    await cap.close();
  }

  /** A tentative end: prepare the reply now (speech-to-text, LLM, TTS), but hold its audio until the turn ends. */
  private paused(turn: DetectedTurn, source: 'microphone' | 'file'): void {
    this.dropHeld();
    this.held = new HeldReply((gate) => this.respond({ kind: 'audio', turn, source, t0: Number.NaN, at: this.now(), gate }));
  }

  /** Speech resumed after a tentative end: the prepared reply is dropped without a trace in the turn log. */
  private dropHeld(): void {
    const held = this.held;
    this.held = null;
    held?.drop();
  }

  /** The turn ended: the prepared reply plays, or a new one starts. */
  private turnEnded(turn: DetectedTurn, source: 'microphone' | 'file'): Promise<VoiceTurnRecord> {
    const held = this.held;
    this.held = null;
    if (held) return held.release(turn);
    return this.respond({ kind: 'audio', turn, source, t0: this.clock(), at: this.now() });
  }

  /** Turns run one after another: a reply never talks over the one before it. */
  private respond(input: TurnInput): Promise<VoiceTurnRecord> {
    const run = this.chain.then(() => this.reply(input));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async reply(input: TurnInput): Promise<VoiceTurnRecord> {
    const id = this.newId();
    const turn = new Turn(input, id, {
      engines: this.deps.engines,
      sink: this.sink,
      bus: this.bus,
      turnLog: this.turnLog,
      log: this.log,
      fragmenter: this.deps.options.fragmenter ?? DEFAULT_FRAGMENTER,
      clock: this.clock,
      now: this.now,
      prepare: (transcript) => this.prepare(id, transcript),
      moved: (t) => this.moved(t),
    });
    this.turn = turn;
    if (turn.live === 'thinking') this.fault = false;
    this.refresh();
    const record = await turn.run();
    this.remember(id, record);
    await this.closing;
    return record;
  }

  /** After each move of the turn in progress: what it changes for the pipeline. */
  private moved(turn: Turn): void {
    if (turn.live === 'thinking') this.fault = false;
    if (turn.live === null) {
      if (this.turn === turn) this.turn = null;
      if (turn.phase !== 'dropped') {
        // A failure stays visible until the next turn starts.
        this.fault = turn.phase === 'failed';
        // Hotkey and push-to-talk kept the microphone open only to hear a barge-in: the reply is over.
        const cap = this.capture;
        if (cap && this.oneTurn() && !cap.detector.speaking) this.closing = this.closeCapture();
      }
    }
    this.refresh();
  }

  /** The prompt for the LLM, with what memory recalls; a memory command is answered here, without the LLM. */
  private async prepare(turnId: string, transcript: string): Promise<PreparedReply> {
    const memory = this.deps.memory;
    const recent = this.deps.store?.memory(this.deps.options.memoryTurns) ?? [];
    const recalled: ChatMessage[] = [];
    if (memory) {
      const command = await memory.command(transcript).catch((err: unknown) => this.memoryFailed('a memory command', err));
      if (command) {
        this.commands.set(turnId, command);
        return { kind: 'text', text: command.say };
      }
      const message = await memory.recall(transcript).catch((err: unknown) => this.memoryFailed('recall', err));
      if (message) recalled.push(message);
    }
    return { kind: 'chat', messages: [{ role: 'system', content: this.deps.options.systemPrompt }, ...recalled, ...recent, { role: 'user', content: transcript }] };
  }

  /** Memory never stops a reply: a failure is logged and the turn goes on without it. */
  private memoryFailed(what: string, err: unknown): null {
    this.log.warn(`memory: ${what} failed, answering without it`, { error: formatError(err) });
    return null;
  }

  /** After a turn: a memory command takes effect, or an answered exchange is kept - only if the reply was given. */
  private remember(turnId: string, record: VoiceTurnRecord): void {
    const command = this.commands.get(turnId);
    this.commands.delete(turnId);
    const memory = this.deps.memory;
    // A `speak` turn says a given text: nothing the user asked, nothing to remember.
    if (!memory || record.outcome !== 'answered' || record.source === 'speak') return;
    if (command) void command.apply?.().catch((err: unknown) => this.memoryFailed('a memory command', err));
    else if (record.transcript && record.reply) memory.keep(record.transcript, record.reply);
  }
}
