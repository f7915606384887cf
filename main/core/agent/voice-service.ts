// The agent's view of the voice pipeline: what the inbox, the hotkey and the status need, or null when voice is off.
import type { VoiceState, WakeStatus } from '../contracts/status.js';
import type { BargeInStatus, VoiceTurnRecord } from '../contracts/voice.js';
import type { TextEmbedder } from '../memory/embedder.js';

export interface AgentVoice {
  state(): VoiceState;
  toggle(): Promise<void>;
  /** Hold-to-talk: press opens the microphone for one turn, release ends the turn there. */
  hold(down: boolean): Promise<void>;
  /** Whether speech may interrupt a reply now, and why. */
  bargeIn(): BargeInStatus;
  speak(text: string): Promise<VoiceTurnRecord>;
  ask(text: string): Promise<VoiceTurnRecord>;
  onTurn(listener: (record: VoiceTurnRecord) => void): () => void;
  /** The loaded speech-to-text model's words for one utterance (the window's microphone test). */
  transcribe?(audio: Int16Array): Promise<{ text: string; model: string }>;
  stop(): Promise<void>;
  /** Hands-free with a wake word: listening, paused or off (and why), with its counts; null when not hands-free. */
  wake?(): WakeStatus | null;
  /** The tray's pause and resume of hands-free listening. */
  pauseHandsFree?(paused: boolean): Promise<void>;
  /** Memory's loaded embedding model (null: memory is off), lent to the window's memory search. */
  embedder?(): TextEmbedder | null;
}
