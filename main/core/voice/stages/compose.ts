// The reply as fragments the TTS can say one by one, as soon as each is complete: from the LLM's token stream
// (an audio turn or `ask`), or from a given text (`speak`, no LLM).
import type { LanguageModel } from '../engines.js';
import { Fragmenter, type FragmenterOptions } from '../fragmenter.js';
import type { PreparedReply } from '../memory-hook.js';
import type { StageContext } from './context.js';

/** `prepare` builds the prompt (recalled memories included) or answers a memory command without the LLM. */
export type ReplySource = { kind: 'text'; text: string } | { kind: 'llm'; llm: LanguageModel; prepare: () => Promise<PreparedReply> };

/** Pushes each fragment to `fragment` and each token to `token` (the record keeps what was said before a cancel). */
export async function compose(source: ReplySource, options: FragmenterOptions, ctx: StageContext, out: { fragment(text: string): void; token(text: string): void }): Promise<void> {
  const fragmenter = new Fragmenter(options);
  const emit = (parts: string[]) => {
    for (const f of parts) {
      ctx.emit({ type: 'first-fragment' });
      out.fragment(f);
    }
  };
  if (source.kind === 'text') {
    emit([...fragmenter.push(`${source.text} `), ...fragmenter.flush()]);
    return;
  }
  const prepared = await source.prepare();
  ctx.signal.throwIfAborted();
  if (prepared.kind === 'text') {
    out.token(prepared.text);
    emit([...fragmenter.push(`${prepared.text} `), ...fragmenter.flush()]);
    return;
  }
  for await (const token of source.llm.stream(prepared.messages, ctx.signal)) {
    ctx.emit({ type: 'llm-first-token' });
    out.token(token);
    emit(fragmenter.push(token));
  }
  if (!ctx.signal.aborted) emit(fragmenter.flush());
}
