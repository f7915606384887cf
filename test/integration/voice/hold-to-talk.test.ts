// Hold-to-talk's key hook for real: uiohook-napi in its own Node child (the same module the app runs as a utility
// process) on a real X server (Xvfb), keys sent with xdotool. The child reports the configured key's press and
// release and nothing for any other key; auto-repeat is one press; with no usable display the child dies, and the
// hook reports why (the toggle takes over) instead of taking the process down.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { holdKey, hookUnavailable, KeyHook, type KeyHookProcess, type KeyHookState } from '../../../main/app/keyhook/key-hook.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { binary, describeWith } from '../../helpers/requirements.js';

/** A Node child shaped like Electron's utility process; every raw message it sends is kept, and its output. */
function nodeFork(env: NodeJS.ProcessEnv, seen: unknown[], output: string[]) {
  return (modulePath: string): KeyHookProcess => {
    const child: ChildProcess = fork(modulePath, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    child.on('message', (m) => seen.push(m));
    return {
      postMessage: (m) => void child.send(m as object),
      on: (event: 'message' | 'exit', listener: (arg: never) => void) =>
        event === 'message'
          ? child.on('message', listener as (m: unknown) => void)
          : // A signal death is reported as a utility process reports it: 128 + the signal's number.
            child.on('exit', (code, signal) => (listener as (c: number | null) => void)(code ?? (signal ? 128 + os.constants.signals[signal] : null))),
      kill: () => child.kill(),
    } as KeyHookProcess;
  };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  // Generous: a loaded machine is slow to start a child; this waits for an event, it measures nothing.
  for (let i = 0; i < 6000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

describe('holdKey and hookUnavailable', () => {
  it('reads an accelerator as the key and the modifiers of its press, and refuses what the hook cannot use', () => {
    expect(holdKey('Ctrl+Alt+J', 'linux')).toEqual({ key: 'J', modifiers: { ctrl: true, alt: true, shift: false, meta: false } });
    expect(holdKey('CmdOrCtrl+Shift+F5', 'darwin')).toEqual({ key: 'F5', modifiers: { ctrl: false, alt: false, shift: true, meta: true } });
    expect(holdKey('Ctrl+Hyper+J', 'linux')).toMatch(/not a modifier/);
    expect(holdKey('Ctrl+Banana', 'linux')).toMatch(/not a key/);
  });

  it('says that Wayland hides other windows\' keys, before starting anything', () => {
    expect(hookUnavailable({ XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' }, 'linux')).toMatch(/Wayland/);
    expect(hookUnavailable({ XDG_SESSION_TYPE: 'x11', DISPLAY: ':0' }, 'linux')).toBeNull();
    expect(hookUnavailable({}, 'win32')).toBeNull();
  });
});

describeWith([binary('Xvfb'), binary('xdotool')], 'hold-to-talk key hook on a real X server', () => {
  vi.setConfig({ testTimeout: 90_000 });
  const display = `:${200 + Math.floor(Math.random() * 500)}`;
  let xvfb: ResultPromise;
  const env = () => ({ ...process.env, DISPLAY: display, XDG_SESSION_TYPE: 'x11' });
  const xdotool = (...args: string[]) => execa(resolveBinary('xdotool') as string, args, { env: env() });

  beforeAll(async () => {
    xvfb = execa(resolveBinary('Xvfb') as string, [display, '-nolisten', 'tcp', '-screen', '0', '640x480x24'], { reject: false });
    await until('Xvfb', () => fs.existsSync(`/tmp/.X11-unix/X${display.slice(1)}`));
  });
  afterAll(async () => {
    xvfb.kill();
    await xvfb;
  });

  function hook(childEnv: NodeJS.ProcessEnv) {
    const events: string[] = [];
    const states: KeyHookState[] = [];
    const seen: unknown[] = [];
    const output: string[] = [];
    const h = new KeyHook({ fork: nodeFork(childEnv, seen, output), env: childEnv, platform: 'linux', onDown: () => events.push('down'), onUp: () => events.push('up'), onState: (s) => states.push(s) });
    return { h, events, states, seen, output };
  }

  it('reports the configured key\'s press and release, once per hold, and nothing for any other key', async () => {
    const t = hook(env());
    t.h.start('Ctrl+Alt+J');
    await until('the hook to start', () => t.h.state.active);
    // Other keys, and the key without its modifiers: nothing.
    await xdotool('key', 'a');
    await xdotool('key', 'ctrl+alt+k');
    await xdotool('key', 'j');
    // The hold: auto-repeat sends more key-downs; the main key is released before its modifiers.
    await xdotool('keydown', 'ctrl+alt+j');
    await xdotool('keydown', 'j');
    await xdotool('keydown', 'j');
    await until('the press', () => t.events.length >= 1);
    await xdotool('keyup', 'j');
    await xdotool('keyup', 'ctrl+alt');
    await until('the release', () => t.events.length >= 2);
    // A second hold: by the time it arrives every earlier key has been seen (the events keep their order).
    await xdotool('key', 'shift+j', 'b', 'ctrl+alt+j');
    await until('the second hold', () => t.events.length >= 4);
    t.h.stop();
    expect(t.events).toEqual(['down', 'up', 'down', 'up']);
    // What left the child: its readiness and the key's down and up, no key codes, no other key; it logged nothing.
    expect(t.seen).toEqual([{ type: 'ready' }, { type: 'down' }, { type: 'up' }, { type: 'down' }, { type: 'up' }]);
    expect(t.output.join('')).toBe('');
  });

  it('with no usable display the hook process dies, and the hook says why instead of taking the app down', async () => {
    const t = hook({ ...process.env, DISPLAY: ':1999', XDG_SESSION_TYPE: 'x11' });
    t.h.start('Ctrl+Alt+J');
    await until('the hook to give up', () => t.states.some((s) => !s.active && s.reason !== 'not started'));
    const last = t.states.at(-1) as KeyHookState;
    expect(last.active).toBe(false);
    // The native library aborts its process (exit 134); on a busy machine it may hang instead, and the hook stops it
    // after its start limit: either way it says why, and this process is untouched.
    expect(last.reason).toMatch(/key hook (stopped \(exit 134\)|did not start: it did not answer within 10 s, so it was stopped).*no usable X11 display.*toggles/);
    expect(t.events).toEqual([]);
  });
});
