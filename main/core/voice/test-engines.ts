// Deterministic engines with configurable delays: for tests, the benchmark (set to an RTX 3070's budget) and
// `jett voice --test-engines`, which shows every stage before any model is installed. Clearly not real models.
import type { ChatMessage, LanguageModel, SpeechToText, TextToSpeech, Transcript } from './engines.js';

/** Waits `ms` unless aborted first; a zero delay costs nothing (the overhead benchmark relies on it). */
export async function delay(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms <= 0) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      // The abort's reason (a cancel, a failed stage), not an error of this engine.
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class ScriptedSpeechToText implements SpeechToText {
  readonly name = 'test-stt (scripted, not a model)';
  calls = 0;

  constructor(private readonly opts: { delayMs?: number; text?: (audio: Int16Array) => string } = {}) {}

  async transcribe(audio: Int16Array, signal: AbortSignal): Promise<Transcript> {
    this.calls++;
    await delay(this.opts.delayMs ?? 0, signal);
    const text = this.opts.text ? this.opts.text(audio) : `test transcript of ${(audio.length / 16_000).toFixed(2)} s of audio`;
    return { text };
  }
}

export const DEFAULT_TEST_REPLY =
  'This is the test language model speaking. It streams a fixed reply at a steady rate, so every stage of the turn can be timed.';

/** Streams `reply` word by word; like Ollama's tokens, each but the first carries its leading space. */
export class ScriptedLanguageModel implements LanguageModel {
  readonly name = 'test-llm (scripted, not a model)';
  lastMessages: ChatMessage[] = [];

  constructor(private readonly opts: { firstTokenMs?: number; tokensPerSecond?: number; reply?: string | ((messages: ChatMessage[]) => string) } = {}) {}

  async *stream(messages: ChatMessage[], signal: AbortSignal): AsyncIterable<string> {
    this.lastMessages = messages;
    const reply = typeof this.opts.reply === 'function' ? this.opts.reply(messages) : (this.opts.reply ?? DEFAULT_TEST_REPLY);
    const tokens = reply.match(/\s*\S+/g) ?? [];
    const perToken = this.opts.tokensPerSecond ? 1000 / this.opts.tokensPerSecond : 0;
    const start = performance.now();
    await delay(this.opts.firstTokenMs ?? 0, signal);
    for (let i = 0; i < tokens.length; i++) {
      // Scheduled against the stream's start, so timer slack does not accumulate over a long reply.
      if (i > 0) await delay((this.opts.firstTokenMs ?? 0) + i * perToken - (performance.now() - start), signal);
      yield tokens[i] as string;
    }
  }
}

/** A 440 Hz tone, 60 ms per word, in 20 ms chunks, after a fixed synthesis delay per fragment. */
export class ToneTextToSpeech implements TextToSpeech {
  readonly name = 'test-tts (tone, not a model)';
  readonly sampleRate = 16_000;
  fragments: string[] = [];

  constructor(private readonly opts: { msPerFragment?: number; msPerWord?: number } = {}) {}

  async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    this.fragments.push(text);
    await delay(this.opts.msPerFragment ?? 0, signal);
    const words = Math.max(1, text.split(/\s+/).filter(Boolean).length);
    const total = Math.round((words * (this.opts.msPerWord ?? 60) * this.sampleRate) / 1000);
    const chunk = this.sampleRate / 50;
    for (let at = 0; at < total; at += chunk) {
      if (signal.aborted) return;
      const pcm = new Int16Array(Math.min(chunk, total - at));
      for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (at + i)) / this.sampleRate));
      yield pcm;
    }
  }
}
