// The voice pipeline's errors: each names what failed and, in `fix`, what the user does next.
import { JettError } from '../errors.js';

export class VoiceError extends JettError {}
/** The microphone could not be opened or stopped delivering audio. */
export class CaptureError extends VoiceError {}
/** A model engine (STT, LLM, TTS) is missing, unreachable or failed. */
export class EngineError extends VoiceError {}
/** A turn was cancelled (barge-in, stop); not a failure, never shown to the user. */
export class CancelledError extends VoiceError {
  constructor(reason: string) {
    super(`voice turn cancelled: ${reason}`, 'nothing to do');
  }
}
