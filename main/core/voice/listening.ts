// One listening session: the microphone's chunks through the turn detector (behind the wake gate in hands-free mode
// with a wake word), partial transcripts while the user speaks, and every detector event handed to the pipeline,
// until the source ends, the pipeline closes it, a hook ends it (one-turn activations) or the microphone fails.
import { formatError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { AudioSource } from './capture.js';
import { msToSamples, type EndpointOptions } from './endpointer.js';
import type { EchoGate } from './echo-gate.js';
import type { SpeechToText } from './engines.js';
import { TurnDetector, type DetectorEvent } from './turn-detector.js';
import type { FrameClassifier } from './vad.js';
import { WakeGate, type WakeEvents, type WakeGateOptions, type WakeWordDetector } from './wake-gate.js';

export interface ListeningHooks {
  /** True while the chunks must not be analysed (the assistant's own voice, without barge-in). */
  deaf(): boolean;
  /** Each detector event; true ends the session. */
  hear(ev: DetectorEvent): boolean | Promise<boolean>;
  partial(text: string): void;
  failed(err: unknown): void;
  /** The session stops: called before the source is stopped, then `ended` after. */
  closing(): void;
  ended(): void;
}

export interface ListeningOptions {
  endpoint: EndpointOptions;
  /** Audio between two partial transcripts while the user speaks (engines that offer partials only). */
  partialEveryMs?: number;
  /** Hands-free with a wake word: turns start only after the phrase, which is cut from the question. */
  wake?: { detector: WakeWordDetector; options: WakeGateOptions; events: WakeEvents };
  /** Jett's echo suppression for this session (barge-in where nothing else cancels the reply's echo). */
  gate?: EchoGate | null;
}

export class Listening {
  readonly detector: TurnDetector;
  /** Present in hands-free mode with a wake word. */
  readonly wakeGate: WakeGate | null;
  /** Jett's echo suppression, where barge-in relies on it. */
  readonly gate: EchoGate | null;
  readonly done: Promise<void>;
  private closed = false;
  private readonly partialEvery: number;
  private partialAt = 0;
  private partialCtl: AbortController | null = null;

  constructor(
    readonly source: AudioSource,
    vad: FrameClassifier,
    options: ListeningOptions,
    private readonly stt: SpeechToText,
    private readonly log: Logger,
    private readonly hooks: ListeningHooks,
  ) {
    this.detector = new TurnDetector(vad, options.endpoint, options.gate ?? null);
    this.gate = options.gate ?? null;
    this.detector.reset();
    this.wakeGate = options.wake ? new WakeGate(options.wake.detector, this.detector, options.wake.options, options.wake.events) : null;
    this.partialEvery = msToSamples(options.partialEveryMs ?? 500);
    this.done = this.loop();
  }

  /** Stops the microphone and waits for the session to end. */
  async close(): Promise<void> {
    this.closed = true;
    await this.source.stop();
    await this.done;
  }

  private async loop(): Promise<void> {
    const { source, detector, wakeGate, hooks } = this;
    try {
      for await (const chunk of source.chunks()) {
        if (this.closed) break;
        if (hooks.deaf()) {
          if (wakeGate) await wakeGate.skip(chunk);
          else detector.skip(chunk.length);
          continue;
        }
        for (const ev of await (wakeGate ?? detector).push(chunk)) {
          if (ev.type === 'speech-start') this.partialAt = ev.sample;
          if (ev.type === 'turn-end') this.cancelPartial();
          let stop = hooks.hear(ev);
          if (typeof stop !== 'boolean') stop = await stop;
          if (stop) return;
        }
        this.askPartial();
      }
    } catch (err) {
      hooks.failed(err);
    } finally {
      this.cancelPartial();
      hooks.closing();
      await source.stop();
      hooks.ended();
    }
  }

  private askPartial(): void {
    const { stt, detector } = this;
    if (!stt.partial || !detector.speaking || this.partialCtl || detector.now - this.partialAt < this.partialEvery) return;
    this.partialAt = detector.now;
    const audio = detector.currentAudio();
    const ctl = new AbortController();
    this.partialCtl = ctl;
    if (!audio) return;
    stt
      .partial(audio, ctl.signal)
      .then((t) => {
        if (!ctl.signal.aborted) this.hooks.partial(t.text);
      })
      .catch((err: unknown) => {
        if (!ctl.signal.aborted) this.log.debug('partial transcript failed', { error: formatError(err) });
      })
      .finally(() => {
        if (this.partialCtl === ctl) this.partialCtl = null;
      });
  }

  private cancelPartial(): void {
    this.partialCtl?.abort();
    this.partialCtl = null;
  }
}
