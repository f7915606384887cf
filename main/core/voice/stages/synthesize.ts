// Text-to-speech: each fragment, in order, to PCM chunks for the speakers.
import type { TextToSpeech } from '../engines.js';
import type { StageContext } from './context.js';

/** Returns after the last fragment; `fragment` counts each one the TTS starts on. */
export async function synthesize(tts: TextToSpeech, fragments: AsyncIterable<string>, ctx: StageContext, out: { fragment(): void; audio(pcm: Int16Array): void }): Promise<void> {
  for await (const fragment of fragments) {
    out.fragment();
    for await (const pcm of tts.synthesize(fragment, ctx.signal)) {
      if (ctx.signal.aborted) return;
      ctx.emit({ type: 'tts-first-audio' });
      out.audio(pcm);
    }
  }
}
