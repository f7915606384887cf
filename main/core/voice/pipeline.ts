// The voice pipeline: capture -> VAD endpointing -> speech-to-text -> LLM stream -> fragments -> TTS -> playback,
// with barge-in, per-turn latency records, and the state the tray shows. Built from injected engines, audio
// source, sink, clock and logger, so every part can be real or a test double.
import { randomUUID } from 'node:crypto';
import type { VoiceActivation, VoiceTurnRecord } from '../contracts/voice.js';
import type { VoiceState } from '../contracts/status.js';
import { formatError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { AudioSource } from './capture.js';
import { msToSamples, samplesToMs, type EndpointOptions } from './endpointer.js';
import type { AudioSink, ChatMessage, VoiceEngines } from './engines.js';
import { CancelledError, VoiceError } from './errors.js';
import { DEFAULT_FRAGMENTER, Fragmenter, type FragmenterOptions } from './fragmenter.js';
import { AsyncQueue } from './queue.js';
import type { VoiceStore } from './store.js';
import { TurnDetector, type DetectedTurn } from './turn-detector.js';
import type { FrameClassifier } from './vad.js';

export interface VoicePipelineOptions {
  activation: VoiceActivation;
  bargeIn: 'off' | 'on';
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
  bus?: EventBus;
  store?: VoiceStore;
  /** Monotonic milliseconds for the stages after the turn end; the audio itself is timed by its sample count. */
  clock?: () => number;
  now?: () => Date;
  newId?: () => string;
}

interface AudioInput {
  kind: 'audio';
  turn: DetectedTurn;
  source: 'microphone' | 'file';
  t0: number;
  at: Date;
  /** For a reply prepared at a tentative end: resolves with the final turn, or null when speech resumed. */
  gate?: Promise<DetectedTurn | null>;
}

type ResponseInput =
  | AudioInput
  | { kind: 'ask'; text: string; t0: number; at: Date }
  | { kind: 'speak'; text: string; t0: number; at: Date };

type Stage = 'stt_final' | 'llm_first_token' | 'first_fragment' | 'tts_first_audio' | 'playback_start';

interface ActiveResponse {
  ctl: AbortController;
  reason: string | null;
  done: Promise<VoiceTurnRecord>;
  /** Prepared before the end of the turn: the user may still be speaking, so the microphone is still analysed. */
  held: boolean;
}

/** A reply prepared from a tentative end: it plays once the turn really ends, or is dropped if speech resumes. */
interface HeldReply {
  open: (turn: DetectedTurn | null) => void;
  record: Promise<VoiceTurnRecord>;
}

export class VoicePipeline {
  private state: VoiceState = 'off';
  private capture: { source: AudioSource; detector: TurnDetector; done: Promise<void> } | null = null;
  private response: ActiveResponse | null = null;
  private held: HeldReply | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly turnListeners = new Set<(r: VoiceTurnRecord) => void>();
  private readonly partialListeners = new Set<(text: string) => void>();
  private readonly stateListeners = new Set<(s: VoiceState) => void>();
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly now: () => Date;
  /** The last capture failure, so the shell can show why listening stopped. */
  lastCaptureError: VoiceError | null = null;

  constructor(private readonly deps: VoicePipelineDeps) {
    this.log = deps.logger.child({ component: 'voice' });
    this.clock = deps.clock ?? (() => performance.now());
    this.now = deps.now ?? (() => new Date());
  }

  get currentState(): VoiceState {
    return this.state;
  }

  /** Subscribes to finished turns (answered, cancelled, failed); returns the unsubscribe function. */
  onTurn(listener: (r: VoiceTurnRecord) => void): () => void {
    this.turnListeners.add(listener);
    return () => this.turnListeners.delete(listener);
  }

  onPartial(listener: (text: string) => void): () => void {
    this.partialListeners.add(listener);
    return () => this.partialListeners.delete(listener);
  }

  onState(listener: (s: VoiceState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
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
    this.log.info('voice pipeline started', { activation: this.deps.options.activation, bargeIn: this.deps.options.bargeIn, stt: stt.name, llm: llm.name, tts: tts.name, warmUpMs: Math.round(this.clock() - started) });
    this.setState('idle');
    if (this.deps.options.activation === 'handsFree') await this.startListening();
    return failures;
  }

  /** Opens the microphone for a turn (hotkey, push-to-talk), or for good (hands-free). */
  async startListening(): Promise<void> {
    if (this.state === 'off') throw new VoiceError('the voice pipeline is not started', 'start the agent (`jett agent`) or the tray app first');
    if (this.capture) return;
    this.lastCaptureError = null;
    this.openCapture(this.deps.openSource());
    this.setState('listening');
  }

  /** Push-to-talk release: the turn ends here even if the VAD has not heard its end yet. */
  async stopListening(): Promise<void> {
    const cap = this.capture;
    if (!cap) return;
    const turn = cap.detector.release();
    this.capture = null;
    await cap.source.stop();
    await cap.done;
    if (turn) void this.turnEnded(turn, 'microphone');
    else {
      this.dropHeld();
      this.setState(this.idleState());
    }
  }

  /** The hotkey: interrupts a reply, ends a turn being spoken, or starts listening. */
  async toggle(): Promise<void> {
    if (this.response && !this.response.held) return this.cancel('hotkey');
    if (this.capture && this.deps.options.activation !== 'handsFree') return this.stopListening();
    return this.startListening();
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
    return this.finish(this.emptyRecord(kind, this.now(), 'no speech was heard'));
  }

  /** Stops the reply in progress (barge-in, hotkey, stop): LLM stream, TTS and playback, at once. */
  async cancel(reason: string): Promise<void> {
    const r = this.response;
    if (!r) return;
    r.reason ??= reason;
    r.ctl.abort();
    await this.deps.sink.stop();
    await r.done.catch(() => undefined);
  }

  /** Stops everything: the reply, the microphone and its child process. */
  async stop(): Promise<void> {
    const closing = this.closeCapture();
    await this.cancel('stopped');
    await closing;
    await this.chain.catch(() => undefined);
    this.setState('off');
    this.log.info('voice pipeline stopped');
  }

  private idleState(): VoiceState {
    if (this.state === 'off') return 'off';
    return this.capture ? 'listening' : 'idle';
  }

  private setState(state: VoiceState): void {
    if (state === this.state) return;
    this.state = state;
    this.deps.bus?.emit('voice.state', { state, at: this.now().toISOString() });
    for (const l of this.stateListeners) l(state);
  }

  private openCapture(source: AudioSource): void {
    const detector = new TurnDetector(this.deps.vad, this.deps.options.endpoint);
    detector.reset();
    const { activation, bargeIn } = this.deps.options;
    const partialEvery = msToSamples(this.deps.options.partialEveryMs ?? 500);
    let partialAt = 0;
    let partialCtl: AbortController | null = null;
    const cap = { source, detector, done: Promise.resolve() };
    cap.done = (async () => {
      try {
        for await (const chunk of source.chunks()) {
          if (this.capture !== cap) break;
          // Without barge-in the assistant's own voice is not analysed: it would start a turn on itself.
          if (this.response && !this.response.held && bargeIn === 'off') {
            detector.skip(chunk.length);
            continue;
          }
          for (const ev of await detector.push(chunk)) {
            if (ev.type === 'pause') {
              this.paused(ev.turn, 'microphone');
              continue;
            }
            if (ev.type === 'resume') {
              this.dropHeld();
              continue;
            }
            if (ev.type === 'speech-start') {
              partialAt = ev.sample;
              if (this.response) {
                this.log.info('barge-in: user speech during the reply', { sample: ev.sample });
                await this.cancel('barge-in');
              }
              this.setState('listening');
              continue;
            }
            partialCtl?.abort();
            partialCtl = null;
            void this.turnEnded(ev.turn, 'microphone');
            // Hotkey and push-to-talk listen for one turn; with barge-in the microphone stays open during the reply.
            if (activation !== 'handsFree' && bargeIn === 'off') return;
          }
          const stt = this.deps.engines.stt;
          if (stt.partial && detector.speaking && !partialCtl && detector.now - partialAt >= partialEvery) {
            partialAt = detector.now;
            const audio = detector.currentAudio();
            const ctl = new AbortController();
            partialCtl = ctl;
            if (audio) {
              stt
                .partial(audio, ctl.signal)
                .then((t) => {
                  if (!ctl.signal.aborted) for (const l of this.partialListeners) l(t.text);
                })
                .catch((err: unknown) => {
                  if (!ctl.signal.aborted) this.log.debug('partial transcript failed', { error: formatError(err) });
                })
                .finally(() => {
                  if (partialCtl === ctl) partialCtl = null;
                });
            }
          }
        }
      } catch (err) {
        const e = err instanceof VoiceError ? err : new VoiceError(`the microphone failed: ${String(err)}`, 'run `jett doctor`');
        this.lastCaptureError = e;
        this.log.error('microphone capture failed', { error: formatError(e) });
        this.deps.bus?.emit('notification', { title: 'Jett cannot hear you', body: `${e.message}\nfix: ${e.fix}` });
        this.setState('error');
      } finally {
        partialCtl?.abort();
        if (this.capture === cap) this.capture = null;
        await source.stop();
        if (!this.response && this.state !== 'error') this.setState(this.idleState());
      }
    })();
    this.capture = cap;
  }

  private async closeCapture(): Promise<void> {
    const cap = this.capture;
    if (!cap) return;
    this.capture = null;
    await cap.source.stop();
    await cap.done;
  }

  /** A tentative end: prepare the reply now (speech-to-text, LLM, TTS), but hold its audio until the turn ends. */
  private paused(turn: DetectedTurn, source: 'microphone' | 'file'): void {
    this.dropHeld();
    let open!: (turn: DetectedTurn | null) => void;
    const gate = new Promise<DetectedTurn | null>((resolve) => (open = resolve));
    this.held = { open, record: this.respond({ kind: 'audio', turn, source, t0: Number.NaN, at: this.now(), gate }) };
  }

  /** Speech resumed after a tentative end: the prepared reply is dropped without a trace in the turn log. */
  private dropHeld(): void {
    const held = this.held;
    this.held = null;
    held?.open(null);
  }

  /** The turn ended: the prepared reply plays, or a new one starts. */
  private turnEnded(turn: DetectedTurn, source: 'microphone' | 'file'): Promise<VoiceTurnRecord> {
    const held = this.held;
    this.held = null;
    if (held) {
      held.open(turn);
      return held.record;
    }
    return this.respond({ kind: 'audio', turn, source, t0: this.clock(), at: this.now() });
  }

  private respond(input: ResponseInput): Promise<VoiceTurnRecord> {
    const run = this.chain.then(() => this.runResponse(input));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runResponse(input: ResponseInput): Promise<VoiceTurnRecord> {
    const { stt, llm, tts } = this.deps.engines;
    const sink = this.deps.sink;
    const ctl = new AbortController();
    const signal = ctl.signal;
    let resolveDone!: (r: VoiceTurnRecord) => void;
    const gate = input.kind === 'audio' ? input.gate : undefined;
    const active: ActiveResponse = { ctl, reason: null, done: new Promise((r) => (resolveDone = r)), held: gate !== undefined };
    this.response = active;
    // Stage times on the monotonic clock; made relative to the end-of-turn decision once it is known.
    const marks: Partial<Record<Stage, number>> = {};
    const mark = (stage: Stage) => {
      marks[stage] ??= this.clock();
    };
    let dropped = false;
    const released: Promise<boolean> = gate
      ? Promise.race([
          gate.then((final) => {
            if (final === null || input.kind !== 'audio') {
              dropped = !signal.aborted;
              active.reason ??= 'speech resumed';
              ctl.abort();
              return false;
            }
            input.turn = final;
            input.t0 = this.clock();
            input.at = this.now();
            active.held = false;
            if (this.state !== 'speaking') this.setState('thinking');
            return true;
          }),
          new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true })),
        ])
      : Promise.resolve(true);
    let transcript = input.kind === 'audio' ? '' : input.text;
    let reply = input.kind === 'speak' ? input.text : '';
    let fragments = 0;
    let outcome: VoiceTurnRecord['outcome'] = 'answered';
    let failure: unknown = null;
    const fail = (err: unknown) => {
      if (failure === null && !signal.aborted) failure = err;
      ctl.abort();
    };
    if (!gate) this.setState('thinking');
    // sox `play` starts while the models work, so its start-up is not on the critical path.
    const sinkOpen = sink.open(tts.sampleRate);
    sinkOpen.catch(fail);
    try {
      if (input.kind === 'audio') {
        transcript = (await stt.transcribe(input.turn.audio, signal)).text.trim();
        mark('stt_final');
      }
      if (!transcript) {
        outcome = 'no-speech';
      } else {
        const fragmentQueue = new AsyncQueue<string>();
        const audioQueue = new AsyncQueue<Int16Array>();
        const produce = async () => {
          const fragmenter = new Fragmenter(this.deps.options.fragmenter ?? DEFAULT_FRAGMENTER);
          const emit = (parts: string[]) => {
            for (const f of parts) {
              mark('first_fragment');
              fragmentQueue.push(f);
            }
          };
          if (input.kind === 'speak') emit([...fragmenter.push(`${input.text} `), ...fragmenter.flush()]);
          else {
            for await (const token of llm.stream(this.messages(transcript), signal)) {
              mark('llm_first_token');
              reply += token;
              emit(fragmenter.push(token));
            }
            if (!signal.aborted) emit(fragmenter.flush());
          }
        };
        const synthesize = async () => {
          for await (const fragment of fragmentQueue) {
            fragments++;
            for await (const pcm of tts.synthesize(fragment, signal)) {
              if (signal.aborted) return;
              mark('tts_first_audio');
              audioQueue.push(pcm);
            }
          }
        };
        const play = async () => {
          await sinkOpen;
          if (!(await released)) return;
          for await (const pcm of audioQueue) {
            if (signal.aborted) return;
            mark('playback_start');
            this.setState('speaking');
            await sink.write(pcm);
          }
          if (!signal.aborted) await sink.drain();
        };
        signal.addEventListener('abort', () => {
          fragmentQueue.close(true);
          audioQueue.close(true);
        });
        await Promise.all([
          produce()
            .catch(fail)
            .finally(() => fragmentQueue.close()),
          synthesize()
            .catch(fail)
            .finally(() => audioQueue.close()),
          play().catch(fail),
        ]);
      }
      if (failure) throw failure;
      if (signal.aborted) throw new CancelledError(active.reason ?? 'cancelled');
    } catch (err) {
      if (signal.aborted && failure === null) {
        outcome = 'cancelled';
      } else {
        outcome = 'failed';
        failure ??= err;
      }
    } finally {
      if (outcome !== 'answered' || signal.aborted) await sink.stop();
      else await sinkOpen.then(() => undefined, () => undefined);
    }
    const reason = outcome === 'cancelled' ? (active.reason ?? 'cancelled') : outcome === 'failed' ? formatError(failure) : outcome === 'no-speech' ? 'the transcript was empty' : null;
    const audio = input.kind === 'audio' ? input.turn : null;
    const speechEnd = audio ? -samplesToMs(audio.turnEnd - audio.speechEnd) : null;
    // A reply cancelled before its turn ended has no end-of-turn time: its stages count from the cancel.
    const t0 = Number.isNaN(input.t0) ? this.clock() : input.t0;
    const rel = (stage: Stage) => (marks[stage] === undefined ? null : (marks[stage] as number) - t0);
    const playback = rel('playback_start');
    const record: VoiceTurnRecord = {
      id: (this.deps.newId ?? randomUUID)(),
      at: input.at.toISOString(),
      source: input.kind === 'audio' ? input.source : input.kind,
      transcript,
      reply,
      fragments,
      outcome,
      reason,
      engines: { stt: input.kind === 'audio' ? stt.name : null, llm: input.kind === 'speak' ? null : llm.name, tts: tts.name },
      audio: audio ? { speech_start: audio.speechStart, speech_end: audio.speechEnd, turn_end: audio.turnEnd, end_reason: audio.reason } : null,
      latencies: {
        speech_end_ms: speechEnd === null ? null : round(speechEnd),
        turn_end_ms: 0,
        stt_final_ms: round(rel('stt_final')),
        llm_first_token_ms: round(rel('llm_first_token')),
        first_fragment_ms: round(rel('first_fragment')),
        tts_first_audio_ms: round(rel('tts_first_audio')),
        playback_start_ms: round(playback),
        speech_end_to_audio_ms: playback !== null && speechEnd !== null ? round(playback - speechEnd) : null,
      },
    };
    if (dropped) {
      // The user went on speaking: this was never a turn. The real one follows.
      this.response = null;
      this.log.debug('prepared reply dropped: speech resumed', { stages: Object.keys(marks) });
      resolveDone(record);
      return record;
    }
    if (outcome === 'failed') {
      this.log.error('voice turn failed', { error: reason });
      this.deps.bus?.emit('notification', { title: 'Jett could not answer', body: reason ?? '' });
    }
    this.response = null;
    this.finish(record);
    resolveDone(record);
    // Hotkey and push-to-talk kept the microphone open only to hear a barge-in: the reply is over.
    const cap = this.capture;
    if (cap && this.deps.options.activation !== 'handsFree' && !cap.detector.speaking) await this.closeCapture();
    // A failure stays visible until the next turn starts.
    this.setState(outcome === 'failed' ? 'error' : this.idleState());
    return record;
  }

  private messages(transcript: string): ChatMessage[] {
    const memory = this.deps.store?.memory(this.deps.options.memoryTurns) ?? [];
    return [{ role: 'system', content: this.deps.options.systemPrompt }, ...memory, { role: 'user', content: transcript }];
  }

  private emptyRecord(source: 'file' | 'microphone', at: Date, reason: string): VoiceTurnRecord {
    const { stt, tts } = this.deps.engines;
    return {
      id: (this.deps.newId ?? randomUUID)(),
      at: at.toISOString(),
      source,
      transcript: '',
      reply: '',
      fragments: 0,
      outcome: 'no-speech',
      reason,
      engines: { stt: stt.name, llm: null, tts: tts.name },
      audio: null,
      latencies: { speech_end_ms: null, turn_end_ms: 0, stt_final_ms: null, llm_first_token_ms: null, first_fragment_ms: null, tts_first_audio_ms: null, playback_start_ms: null, speech_end_to_audio_ms: null },
    };
  }

  private finish(record: VoiceTurnRecord): VoiceTurnRecord {
    try {
      this.deps.store?.save(record);
    } catch (err) {
      this.log.error('could not save the voice turn in jett.db', { error: formatError(err) });
    }
    this.log.info('voice turn', { id: record.id, source: record.source, outcome: record.outcome, fragments: record.fragments, latencies: record.latencies });
    this.deps.bus?.emit('voice.turn', record);
    for (const l of this.turnListeners) l(record);
    return record;
  }
}

function round(ms: number | undefined | null): number | null {
  return ms === undefined || ms === null ? null : Math.round(ms * 10) / 10;
}
