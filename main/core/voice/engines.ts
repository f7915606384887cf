// The engine interfaces the pipeline is built from. Ollama, espeak-ng and the test engines implement them here;
// the GPU models (Whisper, Kokoro) implement them in ./models.

export interface Transcript {
  text: string;
}

export interface SpeechToText {
  /** Shown in `jett voice` output and the log, e.g. "whisper-base (cuda)". */
  readonly name: string;
  /** Loads and runs the model once, so the first turn pays no load or compile cost. */
  warmUp?(): Promise<void>;
  /** Final text of one utterance (16 kHz mono S16). */
  transcribe(audio: Int16Array, signal: AbortSignal): Promise<Transcript>;
  /**
   * Optional: a partial transcript of the audio so far while the user still speaks. Engines that can reuse the
   * work for the final result make the final transcript arrive sooner.
   */
  partial?(audio: Int16Array, signal: AbortSignal): Promise<Transcript>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LanguageModel {
  readonly name: string;
  warmUp?(): Promise<void>;
  /** The reply as a stream of text pieces (tokens); stops early when `signal` aborts. */
  stream(messages: ChatMessage[], signal: AbortSignal): AsyncIterable<string>;
}

export interface TextToSpeech {
  readonly name: string;
  /** Rate of the PCM it produces (mono S16). */
  readonly sampleRate: number;
  warmUp?(): Promise<void>;
  /** Speech for one fragment of text, as PCM chunks; stops early when `signal` aborts. */
  synthesize(text: string, signal: AbortSignal): AsyncIterable<Int16Array>;
}

/** Where reply audio goes: the speakers through sox `play`, a file, or memory in tests. */
export interface AudioSink {
  readonly name: string;
  /** Starts a reply at this sample rate. */
  open(sampleRate: number): Promise<void>;
  /** Queues audio; resolves when the sink has taken it (backpressure). */
  write(pcm: Int16Array): Promise<void>;
  /** Waits until everything written has been played. */
  drain(): Promise<void>;
  /** Stops at once: what is queued is dropped (barge-in, stop). */
  stop(): Promise<void>;
}

export interface VoiceEngines {
  stt: SpeechToText;
  llm: LanguageModel;
  tts: TextToSpeech;
}
