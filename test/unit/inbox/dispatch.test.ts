// What the VPS asks of the desktop is carried out by kind, and every request gets an answer: a result or a reason.
import { describe, expect, it } from 'vitest';
import { createInboxDispatcher } from '../../../main/core/inbox/dispatch.js';

const req = (kind: string, payload: unknown) => ({ requestId: 'r1', kind, payload, receivedAt: new Date() });

describe('inbox dispatcher', () => {
  it('shows a notify request', async () => {
    const shown: string[] = [];
    const handle = createInboxDispatcher({ notify: (t, b) => shown.push(`${t}: ${b}`), speak: null, ask: null });
    expect(await handle(req('notify', { title: 'Backup done', body: '3 GB' }))).toEqual({ ok: true, result: { shown: true } });
    expect(shown).toEqual(['Backup done: 3 GB']);
  });

  it('speaks and asks through the voice pipeline and the LLM when they exist', async () => {
    const spoken: string[] = [];
    const handle = createInboxDispatcher({ notify: () => {}, speak: async (t) => void spoken.push(t), ask: async (t) => `you asked: ${t}` });
    expect(await handle(req('speak', { text: 'Dinner is ready' }))).toEqual({ ok: true, result: { spoken: true } });
    expect(spoken).toEqual(['Dinner is ready']);
    expect(await handle(req('ask', { text: 'weather?' }))).toEqual({ ok: true, result: { answer: 'you asked: weather?' } });
  });

  it('answers failed, with the reason, for what it cannot do', async () => {
    const handle = createInboxDispatcher({ notify: () => {}, speak: null, ask: async () => { throw new Error('Ollama is not running'); } });
    expect(await handle(req('launch-missiles', {}))).toEqual({ ok: false, error: expect.stringContaining('unknown request kind "launch-missiles"') });
    expect(await handle(req('speak', { text: 'hi' }))).toEqual({ ok: false, error: 'this desktop has no voice pipeline running' });
    expect(await handle(req('ask', { text: 'hi' }))).toEqual({ ok: false, error: 'ask failed: Ollama is not running' });
    expect(await handle(req('notify', { body: 'no title' }))).toMatchObject({ ok: false, error: expect.stringContaining('invalid notify payload: title') });
    expect(await handle(req('notify', 'not an object'))).toMatchObject({ ok: false });
  });
});
