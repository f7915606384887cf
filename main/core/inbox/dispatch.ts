// Carries out what the VPS asks of the desktop, by kind; an unknown kind or a bad payload is answered as failed, never dropped.
import { z } from 'zod';
import { errorMessage } from '../errors.js';
import type { InboxHandler, InboxRequest, InboxResult } from '../sync/inbox-store.js';

const NotifyPayload = z.object({ title: z.string().min(1).max(200), body: z.string().max(4000).default('') });
const SpeakPayload = z.object({ text: z.string().min(1).max(4000) });
const AskPayload = z.object({ text: z.string().min(1).max(4000) });

export interface InboxCapabilities {
  /** Shows a notification in the tray or the terminal. */
  notify(title: string, body: string): void;
  /** Says the text through the voice pipeline; null while the desktop has no voice pipeline. */
  speak: ((text: string) => Promise<void>) | null;
  /** Answers the question with the LLM; null while the desktop has none. */
  ask: ((text: string) => Promise<string>) | null;
}

function invalid(kind: string, err: z.ZodError): InboxResult {
  const issue = err.issues[0]!;
  return { ok: false, error: `invalid ${kind} payload: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

export function createInboxDispatcher(caps: InboxCapabilities): InboxHandler {
  return async (request: InboxRequest): Promise<InboxResult> => {
    try {
      switch (request.kind) {
        case 'notify': {
          const p = NotifyPayload.safeParse(request.payload);
          if (!p.success) return invalid('notify', p.error);
          caps.notify(p.data.title, p.data.body);
          return { ok: true, result: { shown: true } };
        }
        case 'speak': {
          const p = SpeakPayload.safeParse(request.payload);
          if (!p.success) return invalid('speak', p.error);
          if (!caps.speak) return { ok: false, error: 'this desktop has no voice pipeline running' };
          await caps.speak(p.data.text);
          return { ok: true, result: { spoken: true } };
        }
        case 'ask': {
          const p = AskPayload.safeParse(request.payload);
          if (!p.success) return invalid('ask', p.error);
          if (!caps.ask) return { ok: false, error: 'this desktop has no language model configured' };
          return { ok: true, result: { answer: await caps.ask(p.data.text) } };
        }
        default:
          return { ok: false, error: `unknown request kind ${JSON.stringify(request.kind)}; known kinds: notify, speak, ask` };
      }
    } catch (err) {
      return { ok: false, error: `${request.kind} failed: ${errorMessage(err)}` };
    }
  };
}
