// Hands-free with a wake word: while only the wake word is listened for, each capture chunk goes to the wake-word
// detector and into a short in-memory ring, nothing else (no VAD, no transcript, no log line). On a detection the
// end of the phrase is found in the ring, the turn detector receives the audio from there on (so speech-to-text
// never hears the phrase and the end-of-turn silence counts only once the question starts), and a wake that no
// question follows within noQuestionMs ends quietly.
import { msToSamples } from './endpointer.js';
import type { DetectorEvent, TurnDetector } from './turn-detector.js';
import { DEFAULT_PHRASE_END, findPhraseEnd, type PhraseEndOptions } from './wake-phrase-end.js';

/** openWakeWord scores every 1280 samples (80 ms). */
const STEP = 1280;
/** Where the phrase ends when the detector gives no estimate: the median lag of the first score over 0.5. */
const PHRASE_END_LAG = msToSamples(206);

/** One detection of the wake-word detector. */
export interface WakeDetection {
  word: string;
  score: number;
  /** Stream sample (counted from the first sample pushed) at which it fired. */
  sample: number;
  /** The detector's own estimate of where the phrase ends (a fixed lag before `sample`). */
  endOfPhraseSample?: number;
}

/** What the gate needs of a wake-word detector (main/core/voice/wake/): chunks in, detections out. */
export interface WakeWordDetector {
  push(samples: Int16Array): WakeDetection[] | Promise<WakeDetection[]>;
}

export interface WakeGateOptions {
  word: string;
  threshold: number;
  /** A wake with no question started this long after the phrase ends quietly. */
  noQuestionMs: number;
  /** Audio held in memory while waiting: enough for the phrase-end search before a detection and its look-ahead. */
  ringMs: number;
  phraseEnd: PhraseEndOptions;
}

export const DEFAULT_WAKE_GATE: Omit<WakeGateOptions, 'word' | 'threshold'> = { noQuestionMs: 4000, ringMs: 1500, phraseEnd: DEFAULT_PHRASE_END };

export interface WakeEvents {
  /** The phrase was heard and cut at `phraseEnd`: the question is listened for (chime, tray). */
  woke(d: WakeDetection, phraseEnd: number): void;
  /**
   * No question followed within noQuestionMs: the only trace a false wake leaves. Null after the hotkey opened the
   * question (no wake word was heard: nothing to count or record).
   */
  unanswered(d: WakeDetection | null): void;
}

type GateState =
  | { kind: 'waiting' }
  | { kind: 'locating'; wake: WakeDetection }
  | { kind: 'question'; wake: WakeDetection | null; deadline: number }
  | { kind: 'turn' };

export class WakeGate {
  private state: GateState = { kind: 'waiting' };
  private clock = 0;
  private readonly ring: Int16Array;
  private ringFill = 0;

  constructor(
    private readonly detector: WakeWordDetector,
    private readonly turns: TurnDetector,
    private readonly options: WakeGateOptions,
    private readonly events: WakeEvents,
  ) {
    this.ring = new Int16Array(msToSamples(options.ringMs));
  }

  /** True while only the wake word is listened for. */
  get waiting(): boolean {
    return this.state.kind === 'waiting';
  }

  /**
   * The hotkey while only the wake word is listened for: the question starts here, as after the phrase. False when
   * a wake or a turn is already under way (it is not started twice).
   */
  listenNow(): boolean {
    if (this.state.kind !== 'waiting') return false;
    this.state = { kind: 'question', wake: null, deadline: this.clock + msToSamples(this.options.noQuestionMs) };
    this.turns.skip(this.clock - this.turns.now);
    this.turns.holdFrom(this.turns.now);
    this.ringFill = 0;
    return true;
  }

  /** Feeds a capture chunk; returns the turn detector's events (none while only the wake word is listened for). */
  async push(chunk: Int16Array): Promise<DetectorEvent[]> {
    // A recorder that fell behind hands over seconds at once: taken 80 ms at a time (the detector's own step), a
    // detection is seen while the phrase's end is still in the ring.
    const events: DetectorEvent[] = [];
    for (let at = 0; at < chunk.length; at += STEP) events.push(...(await this.step(chunk.subarray(at, at + STEP))));
    return events;
  }

  private async step(chunk: Int16Array): Promise<DetectorEvent[]> {
    const detections = await this.detector.push(chunk);
    this.clock += chunk.length;
    const s = this.state;
    if (s.kind === 'question' || s.kind === 'turn') return this.toTurns(chunk);
    this.remember(chunk);
    if (s.kind === 'waiting') {
      const wake = detections.find((d) => d.score >= this.options.threshold);
      if (!wake) return [];
      this.state = { kind: 'locating', wake: { ...wake, sample: Math.min(wake.sample, this.clock) } };
    }
    return this.locate();
  }

  /** Audio that is not analysed (the assistant's own voice): the detector still hears it so its stream stays whole. */
  async skip(chunk: Int16Array): Promise<void> {
    await this.detector.push(chunk);
    this.clock += chunk.length;
    this.turns.skip(chunk.length);
    this.ringFill = 0;
    this.state = { kind: 'waiting' };
  }

  /** After a detection: cut once the phrase's end is known, then the question goes to the turn detector. */
  private locate(): DetectorEvent[] | Promise<DetectorEvent[]> {
    const s = this.state;
    if (s.kind !== 'locating') return [];
    const start = this.clock - this.ringFill;
    const estimate = s.wake.endOfPhraseSample ?? s.wake.sample - PHRASE_END_LAG;
    const found = findPhraseEnd({ audio: this.ring.subarray(this.ring.length - this.ringFill), start }, s.wake.sample, estimate, this.options.phraseEnd);
    if (found === null) return [];
    // Never before what the turn detector has already had (a wake right after a turn's end).
    const cut = Math.max(found, this.turns.now, start);
    this.state = { kind: 'question', wake: s.wake, deadline: cut + msToSamples(this.options.noQuestionMs) };
    this.events.woke(s.wake, cut);
    // The turn detector skips to the cut (its VAD and buffers start afresh there) and gets the audio after it; a
    // partial frame it still held moves its clock up to 31 ms past the cut, into the pause.
    this.turns.skip(cut - this.turns.now);
    this.turns.holdFrom(this.turns.now);
    const after = this.ring.slice(this.ring.length - Math.max(0, this.clock - this.turns.now));
    this.ringFill = 0;
    return this.toTurns(after);
  }

  private async toTurns(audio: Int16Array): Promise<DetectorEvent[]> {
    const events = await this.turns.push(audio);
    for (const ev of events) {
      if (ev.type === 'speech-start') this.state = { kind: 'turn' };
      if (ev.type === 'turn-end') this.state = { kind: 'waiting' };
    }
    const s = this.state;
    if (s.kind === 'question' && this.turns.now >= s.deadline) {
      this.state = { kind: 'waiting' };
      this.turns.reset();
      this.events.unanswered(s.wake);
    }
    return events;
  }

  private remember(chunk: Int16Array): void {
    const { ring } = this;
    if (chunk.length >= ring.length) ring.set(chunk.subarray(chunk.length - ring.length));
    else {
      ring.copyWithin(0, chunk.length);
      ring.set(chunk, ring.length - chunk.length);
    }
    this.ringFill = Math.min(ring.length, this.ringFill + chunk.length);
  }
}
