// The voice key: pushToTalk runs the key hook (press and release reach the agent, the toggle shortcut is let go);
// where the hook cannot run (Wayland, its process died) the toggle stays and the view says why.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Hotkey } from '../../../main/app/hotkey.js';
import type { KeyHookProcess } from '../../../main/app/keyhook/key-hook.js';
import { VoiceKeys } from '../../../main/app/keyhook/voice-keys.js';
import { globalShortcut } from '../../mocks/electron.js';

/** A hook process the test drives: what it was asked, and the messages and exit it sends back. */
class FakeHookProcess extends EventEmitter {
  asked: unknown[] = [];
  killed = false;
  postMessage(m: unknown) {
    this.asked.push(m);
  }
  kill() {
    this.killed = true;
    return true;
  }
}

beforeEach(() => {
  globalShortcut.handlers.clear();
  globalShortcut.heldElsewhere.clear();
});
afterEach(() => {
  vi.useRealTimers();
});

function build(env: NodeJS.ProcessEnv = { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' }) {
  const calls: string[] = [];
  const forks: FakeHookProcess[] = [];
  const hotkey = new Hotkey(globalShortcut, () => calls.push('toggle'));
  const keys = new VoiceKeys({
    hotkey,
    fork: () => {
      const p = new FakeHookProcess();
      forks.push(p);
      return p as unknown as KeyHookProcess;
    },
    hold: (down) => calls.push(down ? 'down' : 'up'),
    changed: () => calls.push('changed'),
    env,
    platform: 'linux',
  });
  return { keys, calls, forks };
}

describe('VoiceKeys', () => {
  it('pushToTalk: the hook asks for the configured key only, press and release reach the agent, the toggle is let go', () => {
    const t = build();
    t.keys.bind('Ctrl+Alt+J', 'pushToTalk');
    const child = t.forks[0] as FakeHookProcess;
    expect(child.asked).toEqual([expect.objectContaining({ key: 'J', modifiers: { ctrl: true, alt: true, shift: false, meta: false } })]);
    child.emit('message', { type: 'ready' });
    expect(globalShortcut.handlers.has('Ctrl+Alt+J')).toBe(false);
    expect(t.keys.view).toEqual({ accelerator: 'Ctrl+Alt+J', registered: true, error: null, hold: { active: true, reason: null } });
    child.emit('message', { type: 'down' });
    child.emit('message', { type: 'up' });
    expect(t.calls.filter((c) => c !== 'changed')).toEqual(['down', 'up']);
  });

  it('the hook process dies while the key is held: the turn gets its release, the toggle comes back, the view says why', () => {
    const t = build();
    t.keys.bind('Ctrl+Alt+J', 'pushToTalk');
    const child = t.forks[0] as FakeHookProcess;
    child.emit('message', { type: 'ready' });
    child.emit('message', { type: 'down' });
    child.emit('exit', 134);
    expect(t.calls.filter((c) => c !== 'changed')).toEqual(['down', 'up']);
    expect(globalShortcut.handlers.has('Ctrl+Alt+J')).toBe(true);
    expect(t.keys.view.hold?.active).toBe(false);
    expect(t.keys.view.hold?.reason).toMatch(/exit 134.*no usable X11 display.*toggles/);
    globalShortcut.press('Ctrl+Alt+J');
    expect(t.calls.at(-1)).toBe('toggle');
  });

  it('under Wayland no hook starts: the toggle stays bound and the view says why', () => {
    const t = build({ XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' });
    t.keys.bind('Ctrl+Alt+J', 'pushToTalk');
    expect(t.forks).toEqual([]);
    expect(globalShortcut.handlers.has('Ctrl+Alt+J')).toBe(true);
    expect(t.keys.view.hold?.reason).toMatch(/Wayland/);
  });

  it('the toggle activation runs no hook; switching away from pushToTalk stops it', () => {
    const t = build();
    t.keys.bind('Ctrl+Alt+J', 'hotkey');
    expect(t.forks).toEqual([]);
    t.keys.bind('Ctrl+Alt+J', 'pushToTalk');
    const child = t.forks[0] as FakeHookProcess;
    child.emit('message', { type: 'ready' });
    t.keys.bind('Ctrl+Alt+J', 'hotkey');
    expect(child.killed).toBe(true);
    expect(t.keys.view).toEqual({ accelerator: 'Ctrl+Alt+J', registered: true, error: null });
  });

  it('stops a hook process that never says it runs (the display library hung) and keeps the toggle, saying why', () => {
    vi.useFakeTimers();
    const t = build();
    t.keys.bind('Ctrl+Alt+J', 'pushToTalk');
    const child = t.forks[0] as FakeHookProcess;
    vi.advanceTimersByTime(9_900);
    expect(child.killed).toBe(false);
    vi.advanceTimersByTime(200);
    expect(child.killed).toBe(true);
    expect(globalShortcut.handlers.has('Ctrl+Alt+J')).toBe(true);
    expect(t.keys.view.hold).toEqual({ active: false, reason: expect.stringMatching(/did not answer within 10 s, so it was stopped: no usable X11 display.*toggles instead/) });
    // Its exit, when it comes, changes nothing more.
    child.emit('exit', 137);
    expect(t.keys.view.hold?.reason).toMatch(/did not answer within 10 s/);
  });

  it('lets a hook that said it runs keep running past the start limit', () => {
    vi.useFakeTimers();
    const t = build();
    t.keys.bind('Ctrl+Alt+J', 'pushToTalk');
    const child = t.forks[0] as FakeHookProcess;
    child.emit('message', { type: 'ready' });
    vi.advanceTimersByTime(60_000);
    expect(child.killed).toBe(false);
    expect(t.keys.view.hold).toEqual({ active: true, reason: null });
  });
});
