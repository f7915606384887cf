// Cuts a stream of PCM chunks into 32 ms frames, runs the VAD and the endpointer on them, and hands back each
// turn's audio (with its pre-roll) together with its sample positions.
import type { EchoGate } from './echo-gate.js';
import { CLOSURE_FRAMES, Endpointer, msToSamples, ONSET_FRAMES, type EndpointEvent, type EndpointOptions } from './endpointer.js';
import { FRAME_SAMPLES, toFloatFrame, type FrameClassifier } from './vad.js';

export interface DetectedTurn {
  /** Audio from the pre-roll before the speech start up to the turn-end decision. */
  audio: Int16Array;
  /** Sample index of audio[0]. */
  audioStart: number;
  speechStart: number;
  speechEnd: number;
  turnEnd: number;
  reason: 'silence' | 'max-length' | 'released';
}

/** Echo frames in a row past which a speech-start candidate is dropped. */
const ECHO_RUN_CANCELS = 2;
/**
 * A likely onset (ONSET_FRAMES of the user's) survives a longer run (128 ms) of frames the playback explains: the
 * closure inside a first word ("Ac-tually") under a loud echo, where the user makes no sound to tell apart.
 */
const STRONG_ECHO_RUN_CANCELS = 4;

export type DetectorEvent =
  /** A start candidate became a likely onset (ONSET_FRAMES of speech): a reply playing is hushed until it is decided. */
  | { type: 'onset'; sample: number }
  /** The likely onset was dropped without starting a turn (a cough, a click): a hushed reply goes on. */
  | { type: 'onset-dropped'; sample: number }
  | { type: 'speech-start'; sample: number }
  /** A tentative end (see EndpointOptions.preemptMs): the turn so far, which may still go on. */
  | { type: 'pause'; turn: DetectedTurn }
  | { type: 'resume'; sample: number }
  | { type: 'turn-end'; turn: DetectedTurn };

export class TurnDetector {
  private readonly endpointer: Endpointer;
  private readonly frame = new Int16Array(FRAME_SAMPLES);
  private readonly floatFrame = new Float32Array(FRAME_SAMPLES);
  private frameFill = 0;
  /** Samples consumed since the stream began: the pipeline's clock. */
  private clock = 0;
  private readonly preRoll: number;
  /** Recent audio (pre-roll) while idle; the whole turn so far while speaking. */
  private chunks: Int16Array[] = [];
  private bufferedStart = 0;
  private bufferedLength = 0;
  /** Audio from here on is kept until the turn ends (the question after a wake word starts here). */
  private keepFrom: number | null = null;
  /** Frames in a row that the playback explains. */
  private echoRun = 0;
  /** Where the likely onset announced and not yet decided (confirmed by a speech start, or dropped) began. */
  private onsetAt: number | null = null;

  constructor(
    private readonly vad: FrameClassifier,
    options: EndpointOptions,
    /** Jett's echo suppression: takes the reply out of each frame and says which frames it explains. */
    private readonly gate: EchoGate | null = null,
  ) {
    this.endpointer = new Endpointer(options);
    this.preRoll = msToSamples(options.preRollMs);
  }

  /** The sample count so far: where the next sample will sit on the pipeline's clock. */
  get now(): number {
    return this.clock;
  }

  get speaking(): boolean {
    return this.endpointer.speaking;
  }

  /** Feeds captured audio; returns the events it caused, in order. */
  async push(pcm: Int16Array): Promise<DetectorEvent[]> {
    const events: DetectorEvent[] = [];
    let offset = 0;
    while (offset < pcm.length) {
      const take = Math.min(FRAME_SAMPLES - this.frameFill, pcm.length - offset);
      this.frame.set(pcm.subarray(offset, offset + take), this.frameFill);
      this.frameFill += take;
      offset += take;
      if (this.frameFill < FRAME_SAMPLES) break;
      this.frameFill = 0;
      const frameStart = this.clock;
      this.clock += FRAME_SAMPLES;
      const gated = this.gate?.frame(this.frame) ?? null;
      const audio = gated ? gated.audio : this.frame;
      this.keep(audio.slice());
      const p = await this.vad.probability(toFloatFrame(audio, this.floatFrame));
      this.echoRun = gated && !gated.nearEnd ? this.echoRun + 1 : 0;
      if (this.echoRun > 0 && this.echoCancels()) this.endpointer.dropCandidate();
      const ev = this.endpointer.push(this.echoRun > 0 ? this.echoProbability(p) : p, frameStart);
      const onset = this.onsetChange(ev, frameStart);
      if (onset) events.push(onset);
      if (ev) events.push(this.toDetectorEvent(ev));
    }
    return events;
  }

  /** Whether this frame made the start candidate a likely onset, or dropped one (a speech start decides it too). */
  private onsetChange(ev: EndpointEvent | null, frameStart: number): DetectorEvent | null {
    const start = this.endpointer.candidateStart;
    if (ev?.type === 'speech-start' || this.endpointer.speaking) {
      this.onsetAt = null;
      return null;
    }
    // The candidate is gone (or another one stands in its place): the onset came to nothing.
    if (this.onsetAt !== null && start !== this.onsetAt) {
      this.onsetAt = null;
      return { type: 'onset-dropped', sample: frameStart };
    }
    if (this.onsetAt === null && start !== null && this.endpointer.candidateFrames >= ONSET_FRAMES) {
      this.onsetAt = start;
      return { type: 'onset', sample: start };
    }
    return null;
  }

  /**
   * A frame the playback explains cannot confirm speech: it sits in the hysteresis band, neither speech nor the
   * silence that would end a turn. A run of them before speech cancels a start candidate (see echoCancels), so
   * scattered frames of the reply's own echo never add up to a turn, while one quiet syllable of the user's amid the
   * echo does not (nor, once the candidate is strong, a closure within a word).
   */
  private echoProbability(p: number): number {
    const { startThreshold, stopThreshold } = this.endpointer.options;
    return Math.min(p, (startThreshold + stopThreshold) / 2);
  }

  /**
   * Whether the run of echo frames drops the start candidate. The candidate is dropped outright, not fed as silence:
   * the endpointer bridges a short silence inside a word, and the echo is no closure of the user's.
   */
  private echoCancels(): boolean {
    const cancels = this.endpointer.candidateFrames >= ONSET_FRAMES ? STRONG_ECHO_RUN_CANCELS : ECHO_RUN_CANCELS;
    return !this.endpointer.speaking && this.echoRun > cancels;
  }

  /** Advances the clock over audio that is not analysed (the assistant's own voice while barge-in is off). */
  skip(samples: number): void {
    this.gate?.skip(this.frameFill + samples);
    // Samples of a partial frame were received but not yet counted: count them with the skipped ones.
    this.clock += this.frameFill + samples;
    this.frameFill = 0;
    this.endpointer.reset();
    this.onsetAt = null;
    this.keepFrom = null;
    this.chunks = [];
    this.bufferedStart = this.clock;
    this.bufferedLength = 0;
  }

  /**
   * Keeps all audio from `sample` (not before the current clock) until the next turn ends: the question after a
   * wake word starts where the phrase ended, even when the VAD hears its first word late.
   */
  holdFrom(sample: number): void {
    this.keepFrom = Math.max(sample, this.bufferedStart);
  }

  /** Audio of the turn in progress (for partial transcripts), or null when nobody is speaking. */
  currentAudio(): Int16Array | null {
    return this.endpointer.speaking ? this.joined() : null;
  }

  /** Ends the turn at the current sample (push-to-talk release); null when no speech was heard. */
  release(): DetectedTurn | null {
    const ev = this.endpointer.forceEnd(this.clock);
    this.onsetAt = null;
    if (!ev || ev.type !== 'turn-end') {
      this.trimToPreRoll();
      return null;
    }
    return { ...(this.toDetectorEvent(ev) as { turn: DetectedTurn }).turn, reason: 'released' };
  }

  /** Forgets the turn in progress and the model's state (after playback without barge-in, or a new stream). */
  reset(): void {
    this.endpointer.reset();
    this.onsetAt = null;
    this.vad.reset();
    this.keepFrom = null;
    this.chunks = [];
    this.bufferedStart = this.clock;
    this.bufferedLength = 0;
  }

  private toDetectorEvent(ev: EndpointEvent): DetectorEvent {
    if (ev.type === 'speech-start') {
      // Drop what lies before the pre-roll; from here on the buffer grows with the turn.
      this.dropBefore(ev.sample - this.preRoll);
      return ev;
    }
    if (ev.type === 'resume') return ev;
    if (ev.type === 'pause') {
      return { type: 'pause', turn: { audio: this.joined(), audioStart: this.bufferedStart, speechStart: ev.speechStart, speechEnd: ev.speechEnd, turnEnd: ev.sample, reason: 'silence' } };
    }
    const audio = this.joined();
    const turn: DetectedTurn = { audio, audioStart: this.bufferedStart, speechStart: ev.speechStart, speechEnd: ev.speechEnd, turnEnd: ev.sample, reason: ev.reason };
    this.keepFrom = null;
    this.chunks = [];
    this.bufferedStart = this.clock;
    this.bufferedLength = 0;
    return { type: 'turn-end', turn };
  }

  private keep(frame: Int16Array): void {
    this.chunks.push(frame);
    this.bufferedLength += frame.length;
    if (!this.endpointer.speaking) this.trimToPreRoll();
  }

  private trimToPreRoll(): void {
    // While idle only the pre-roll plus the frames of a start candidate (its closure included) matter.
    const keep = this.preRoll + msToSamples(this.endpointer.options.minSpeechMs) + (CLOSURE_FRAMES + 1) * FRAME_SAMPLES;
    this.dropBefore(this.clock - keep);
  }

  private dropBefore(before: number): void {
    const sample = this.keepFrom === null ? before : Math.min(before, this.keepFrom);
    while (this.chunks.length > 0 && this.bufferedStart + (this.chunks[0] as Int16Array).length <= sample) {
      const first = this.chunks.shift() as Int16Array;
      this.bufferedStart += first.length;
      this.bufferedLength -= first.length;
    }
  }

  private joined(): Int16Array {
    const out = new Int16Array(this.bufferedLength);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
