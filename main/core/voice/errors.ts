// The voice pipeline's errors: each names what failed and, in `fix`, what the user does next. A cancelled turn is
// no error: it is the reason its abort signal carries (see turn-state.ts).
import type { VoiceStageName } from '../contracts/voice.js';
import { JettError } from '../errors.js';

export class VoiceError extends JettError {}
/** The microphone could not be opened or stopped delivering audio. */
export class CaptureError extends VoiceError {}
/** A model engine (STT, LLM, TTS) is missing, unreachable or failed. */
export class EngineError extends VoiceError {}

/** What a failed stage reports on the bus: a stable code, the message and the fix. */
export interface StageFailure {
  stage: VoiceStageName;
  code: `${VoiceStageName}-failed`;
  message: string;
  fix: string;
}

export function stageFailure(stage: VoiceStageName, err: unknown): StageFailure {
  const code = `${stage}-failed` as const;
  if (err instanceof JettError) return { stage, code, message: err.message, fix: err.fix };
  return { stage, code, message: err instanceof Error ? err.message : String(err), fix: 'run `jett doctor`' };
}
