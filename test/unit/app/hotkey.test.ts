// The global hotkey: registered, rebound, and a failure (held elsewhere, not an accelerator) reported as such.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { acceleratorProblem, Hotkey } from '../../../main/app/hotkey.js';
import { globalShortcut } from '../../mocks/electron.js';

beforeEach(() => {
  globalShortcut.handlers.clear();
  globalShortcut.heldElsewhere.clear();
});

describe('Hotkey', () => {
  it('registers the default and calls back when pressed', () => {
    const press = vi.fn();
    const hk = new Hotkey(globalShortcut, press);
    expect(hk.bind('Ctrl+Alt+J')).toEqual({ accelerator: 'Ctrl+Alt+J', registered: true, error: null });
    globalShortcut.press('Ctrl+Alt+J');
    expect(press).toHaveBeenCalledTimes(1);
  });

  it('reports a shortcut another program holds', () => {
    globalShortcut.heldElsewhere.add('Ctrl+Alt+J');
    const view = new Hotkey(globalShortcut, vi.fn()).bind('Ctrl+Alt+J');
    expect(view).toEqual({ accelerator: 'Ctrl+Alt+J', registered: false, error: 'Ctrl+Alt+J is held by another program; close it or choose another hotkey under Voice' });
  });

  it('releases the old accelerator when rebinding', () => {
    const hk = new Hotkey(globalShortcut, vi.fn());
    hk.bind('Ctrl+Alt+J');
    hk.bind('Ctrl+Shift+Space');
    expect([...globalShortcut.handlers.keys()]).toEqual(['Ctrl+Shift+Space']);
    hk.release();
    expect(globalShortcut.handlers.size).toBe(0);
  });

  it.each([
    ['J', /no modifier/],
    ['Ctrl+', /empty part/],
    ['Hyper+J', /"Hyper" is not a modifier/],
    ['Ctrl+Alt+Banana', /"Banana" is not a key/],
  ])('refuses %s without asking Electron', (accel, why) => {
    const view = new Hotkey(globalShortcut, vi.fn()).bind(accel);
    expect(view.registered).toBe(false);
    expect(view.error).toMatch(why);
    expect(globalShortcut.register).not.toHaveBeenCalledWith(accel, expect.anything());
  });

  it.each(['Ctrl+Alt+J', 'CmdOrCtrl+Shift+Space', 'Alt+F12', 'Super+1', 'Ctrl+Alt+/'])('accepts %s', (accel) => {
    expect(acceleratorProblem(accel)).toBeNull();
  });
});
