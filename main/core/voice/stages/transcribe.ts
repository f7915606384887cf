// Speech-to-text: the turn's audio to its final transcript.
import type { SpeechToText } from '../engines.js';
import type { StageContext } from './context.js';

export async function transcribe(stt: SpeechToText, audio: Int16Array, ctx: StageContext): Promise<string> {
  const text = (await stt.transcribe(audio, ctx.signal)).text.trim();
  ctx.emit({ type: 'stt-final', text });
  return text;
}
