// The agent's view of the voice pipeline: what the inbox, the hotkey and the status need, or null when voice is off.
import type { VoiceState } from '../contracts/status.js';
import type { VoiceTurnRecord } from '../contracts/voice.js';

export interface AgentVoice {
  state(): VoiceState;
  toggle(): Promise<void>;
  speak(text: string): Promise<VoiceTurnRecord>;
  ask(text: string): Promise<VoiceTurnRecord>;
  onTurn(listener: (record: VoiceTurnRecord) => void): () => void;
  stop(): Promise<void>;
}
