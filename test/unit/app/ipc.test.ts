// The one IPC wrapper: a foreign sender, a sub-frame, a page of another origin, malformed, extra and oversized
// arguments are refused with a clear error; replies that break the contract never leave main.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { registerIpcHandlers, type Handlers } from '../../../main/app/ipc/register.js';
import { ErrorEnvelopeSchema } from '../../../main/core/contracts/errors.js';
import { IPC_MAX_MESSAGE_BYTES, INVOKE_CHANNELS, type InvokeChannel } from '../../../main/core/contracts/ipc.js';
import { JettError } from '../../../main/core/errors.js';
import { ipcMain, MockWebContents, MockWebFrame } from '../../mocks/electron.js';
import { eventFrom, snapshot } from './helpers.js';

const log = { warn: vi.fn(), error: vi.fn() };
const statusView = { snapshot: snapshot(), hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, turns: [] };

function handlers(over: Partial<Handlers> = {}): Handlers {
  const fail = async () => {
    throw new Error('not part of this test');
  };
  const all = Object.fromEntries((Object.keys(INVOKE_CHANNELS) as InvokeChannel[]).map((c) => [c, fail])) as unknown as Handlers;
  return { ...all, 'status:get': async () => statusView, 'links:open': async () => ({ opened: false, reason: 'tunnel down' }), ...over };
}

type Reply = { ok: true; value: unknown } | { ok: false; error: unknown };
const errorOf = (r: unknown) => ErrorEnvelopeSchema.parse((r as { error: unknown }).error);

let win: MockWebContents;
beforeEach(() => {
  ipcMain.handlers.clear();
  win = new MockWebContents();
  win.mainFrame.url = 'jett://app/index.html';
});

describe('registerIpcHandlers', () => {
  it('answers the top frame of a trusted window', async () => {
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers(), log);
    expect(await ipcMain.invoke('status:get', eventFrom(win))).toEqual({ ok: true, value: statusView });
  });

  it('registers exactly the channels of the contract', () => {
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers(), log);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(INVOKE_CHANNELS).sort());
  });

  it.each([
    ['a webContents that is not ours', () => eventFrom(new MockWebContents()), 'the message did not come from a Jett window'],
    ['a sub-frame of our window', () => eventFrom(win, new MockWebFrame('jett://app/index.html', win.mainFrame)), 'the message came from a sub-frame'],
    ['a frame that is gone', () => eventFrom(win, null), 'the sending frame is gone'],
  ])('refuses %s', async (_what, event, reason) => {
    const handler = vi.fn(async () => statusView);
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers({ 'status:get': handler }), log);
    const reply = (await ipcMain.invoke('status:get', event())) as Reply;
    expect(reply.ok).toBe(false);
    expect(errorOf(reply).message).toBe(`status:get: refused: ${reason}`);
    expect(handler).not.toHaveBeenCalled();
  });

  it.each(['https://evil.example/', 'jett://app.evil.example/', 'file:///etc/passwd', 'jett://other/index.html'])('refuses our window once it shows %s', async (url) => {
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers(), log);
    win.mainFrame.url = url;
    expect(errorOf(await ipcMain.invoke('status:get', eventFrom(win))).message).toBe('status:get: refused: the sending page is not part of the app');
  });

  it('refuses malformed arguments and names the field', async () => {
    const open = vi.fn(async () => ({ opened: true, reason: null }));
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers({ 'links:open': open }), log);
    for (const bad of [undefined, null, 'n8n', { target: 'https://evil.example/' }, { target: 'n8n', url: 'https://evil.example/' }]) {
      const reply = (await ipcMain.invoke('links:open', eventFrom(win), bad)) as Reply;
      expect(reply.ok).toBe(false);
      expect(errorOf(reply).message).toMatch(/^links:open: invalid argument: /);
    }
    const named = errorOf(await ipcMain.invoke('settings:save', eventFrom(win), { section: 'tunnel', values: { interface: 'eth0' } }));
    expect(named.issues).toEqual([{ path: 'values.interface', message: 'tunnel.interface cannot be set from the window' }]);
    expect(open).not.toHaveBeenCalled();
  });

  it('refuses a history deletion that names nothing, both ids and all, or too much, before the agent hears of it', async () => {
    const remove = vi.fn(async () => ({ kind: 'voice.turn', ids: [], all: true, outboxRows: 0, localRows: 0, tombstones: [1], at: '2026-11-29T10:00:00.000Z' }));
    const list = vi.fn(async () => []);
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers({ 'voice:historyDelete': remove, 'voice:history': list }), log);
    const tooMany = Array.from({ length: 501 }, (_, i) => `turn-${i}`);
    for (const bad of [{}, { ids: [] }, { all: false }, { ids: ['turn-1'], all: true }, { ids: [''] }, { ids: tooMany }, { kind: 'memory.item', all: true }]) {
      expect(errorOf(await ipcMain.invoke('voice:historyDelete', eventFrom(win), bad)).message, JSON.stringify(bad).slice(0, 60)).toMatch(/^voice:historyDelete: invalid argument/);
    }
    for (const bad of [{ limit: 10_000 }, { search: 'x'.repeat(201) }, { search: 'a', sql: 'DROP TABLE voice_turns' }]) {
      expect(errorOf(await ipcMain.invoke('voice:history', eventFrom(win), bad)).message).toMatch(/^voice:history: invalid argument/);
    }
    expect(remove).not.toHaveBeenCalled();
    expect(list).not.toHaveBeenCalled();
    expect(await ipcMain.invoke('voice:historyDelete', eventFrom(win), { all: true })).toMatchObject({ ok: true });
  });

  it('refuses a memory forget that names nothing, everything, or too much, and a hostile search, before the agent hears of it', async () => {
    const forget = vi.fn(async () => ({ forgotten: ['m1'], missing: [] }));
    const list = vi.fn(async () => ({ items: [], search: { ready: true, model: 'all-minilm-l6-v2', reason: null } }));
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers({ 'memory:forget': forget, 'memory:list': list }), log);
    const tooMany = Array.from({ length: 201 }, (_, i) => `m-${i}`);
    for (const bad of [{}, { ids: [] }, { all: true }, { ids: [''] }, { ids: ['x'.repeat(201)] }, { ids: tooMany }, { ids: ['m1'], private: true }, { ids: 'm1' }]) {
      expect(errorOf(await ipcMain.invoke('memory:forget', eventFrom(win), bad)).message, JSON.stringify(bad).slice(0, 60)).toMatch(/^memory:forget: invalid argument/);
    }
    for (const bad of [{ limit: 10_000 }, { limit: 0 }, { search: 'x'.repeat(201) }, { search: 'a', sql: 'DROP TABLE memory_items' }, { search: 42 }]) {
      expect(errorOf(await ipcMain.invoke('memory:list', eventFrom(win), bad)).message).toMatch(/^memory:list: invalid argument/);
    }
    expect(forget).not.toHaveBeenCalled();
    expect(list).not.toHaveBeenCalled();
    expect(await ipcMain.invoke('memory:forget', eventFrom(win), { ids: ['m1'] })).toMatchObject({ ok: true, value: { forgotten: ['m1'] } });
  });

  it('refuses an argument where none is taken, and more than one argument', async () => {
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers(), log);
    expect(errorOf(await ipcMain.invoke('status:get', eventFrom(win), { sneaky: true })).message).toMatch(/^status:get: invalid argument/);
    expect(errorOf(await ipcMain.invoke('links:open', eventFrom(win), { target: 'n8n' }, 'extra')).message).toBe('links:open: expected at most one argument, got 2');
  });

  it('refuses an oversized message before parsing it', async () => {
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers(), log);
    const huge = { name: 'postgres.password', value: 'x'.repeat(IPC_MAX_MESSAGE_BYTES) };
    const err = errorOf(await ipcMain.invoke('secret:set', eventFrom(win), huge));
    expect(err.message).toMatch(/^secret:set: refused: the message is \d+ bytes, more than the 65536 allowed$/);
    // The refusal does not echo the value.
    expect(JSON.stringify(err)).not.toContain('xxxxxxxx');
  });

  it('refuses hostile shapes: prototype keys, values that are not plain data, deep nesting', async () => {
    const save = vi.fn(async () => {
      throw new Error('must not run');
    });
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers({ 'settings:save': save }), log);
    const proto = JSON.parse('{"section":"tunnel","values":{"__proto__":{"polluted":true}}}') as unknown;
    const r1 = errorOf(await ipcMain.invoke('settings:save', eventFrom(win), proto));
    expect(r1.message).toBe('settings:save: refused: the message is not plain data');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const r2 = errorOf(await ipcMain.invoke('links:open', eventFrom(win), { target: 10n }));
    expect(r2.message).toBe('links:open: refused: the message is not plain data');
    let deep: unknown = 'n8n';
    for (let i = 0; i < 5000; i++) deep = [deep];
    // Refused either before parsing (too deep to serialise) or by the schema: never handled, never a crash.
    const r3 = errorOf(await ipcMain.invoke('links:open', eventFrom(win), { target: deep }));
    expect(r3.message).toMatch(/^links:open: (refused: the message is not plain data|invalid argument)/);
    expect(save).not.toHaveBeenCalled();
  });

  it('refuses a reply that breaks the contract (a stray field could be a secret)', async () => {
    const leaky = vi.fn(async () => ({ opened: true, reason: null, privateKey: 'oops' }));
    registerIpcHandlers(ipcMain, new Set([win.id]), handlers({ 'links:open': leaky as unknown as Handlers['links:open'] }), log);
    const reply = (await ipcMain.invoke('links:open', eventFrom(win), { target: 'n8n' })) as Reply;
    expect(reply.ok).toBe(false);
    expect(JSON.stringify(reply)).not.toContain('oops');
    expect(errorOf(reply).message).toBe('links:open: main produced a reply that breaks the contract');
  });

  it('passes a JettError through with its fix, and hides the text of any other error', async () => {
    registerIpcHandlers(
      ipcMain,
      new Set([win.id]),
      handlers({
        'tunnel:up': async () => {
          throw new JettError('wg-quick up failed: interface name "jett0" is in use', 'take the other interface down');
        },
        'tunnel:down': async () => {
          throw new Error('ENOENT /root/.secret-path');
        },
      }),
      log,
    );
    expect(errorOf(await ipcMain.invoke('tunnel:up', eventFrom(win)))).toEqual({
      code: 'failed',
      name: 'JettError',
      message: 'wg-quick up failed: interface name "jett0" is in use',
      fix: 'take the other interface down',
      issues: [],
    });
    const hidden = errorOf(await ipcMain.invoke('tunnel:down', eventFrom(win)));
    expect(hidden).toMatchObject({ code: 'internal', name: 'InternalError' });
    expect(JSON.stringify(hidden)).not.toContain('secret-path');
  });

  it('removes its handlers', () => {
    const remove = registerIpcHandlers(ipcMain, new Set([win.id]), handlers(), log);
    remove();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
