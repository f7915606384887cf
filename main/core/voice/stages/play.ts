// Playback: the reply's audio to the sink once the sink is open and the turn has really ended.
import type { AudioSink } from '../engines.js';
import type { StageContext } from './context.js';

/** `released` resolves false when the reply must not play (speech resumed, a cancel before the turn ended). */
export async function play(sink: AudioSink, opened: Promise<void>, released: Promise<boolean>, audio: AsyncIterable<Int16Array>, ctx: StageContext): Promise<void> {
  await opened;
  if (!(await released)) return;
  for await (const pcm of audio) {
    if (ctx.signal.aborted) return;
    ctx.emit({ type: 'playback-start' });
    await sink.write(pcm);
  }
  if (!ctx.signal.aborted) await sink.drain();
}
