// The global hotkey that toggles a voice turn: registered through globalShortcut, and when another program holds
// the accelerator (or it is not a valid one) the failure is reported to the tray and the window, not swallowed.
import type { HotkeyView } from '../core/contracts/ipc.js';

export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

const MODIFIERS = new Set(['command', 'cmd', 'control', 'ctrl', 'commandorcontrol', 'cmdorctrl', 'alt', 'option', 'altgr', 'shift', 'super', 'meta']);
const KEY = /^([a-z0-9]|f([1-9]|1[0-9]|2[0-4])|space|tab|backspace|delete|insert|return|enter|up|down|left|right|home|end|pageup|pagedown|escape|esc|plus|[-=[\];',./`\\])$/i;

/** Why `accelerator` is not one Electron accepts, or null. At least one modifier: a bare key would eat typing. */
export function acceleratorProblem(accelerator: string): string | null {
  const parts = accelerator.split('+').map((p) => p.trim());
  if (parts.some((p) => p === '')) return `"${accelerator}" has an empty part`;
  const key = parts.at(-1)!;
  const mods = parts.slice(0, -1);
  if (mods.length === 0) return `"${accelerator}" has no modifier; use e.g. Ctrl+Alt+J`;
  const unknown = mods.find((m) => !MODIFIERS.has(m.toLowerCase()));
  if (unknown) return `"${unknown}" is not a modifier (Ctrl, Alt, Shift, Super, CmdOrCtrl)`;
  if (!KEY.test(key)) return `"${key}" is not a key Electron knows`;
  return null;
}

export class Hotkey {
  private current: HotkeyView = { accelerator: '', registered: false, error: null };

  constructor(
    private readonly shortcuts: GlobalShortcutLike,
    private readonly onPress: () => void,
  ) {}

  get view(): HotkeyView {
    return { ...this.current };
  }

  /** (Re)binds to `accelerator`; the previous one is released first. */
  bind(accelerator: string): HotkeyView {
    this.release();
    const problem = acceleratorProblem(accelerator);
    if (problem) {
      this.current = { accelerator, registered: false, error: `${problem}. Change it under Voice.` };
      return this.view;
    }
    let ok = false;
    try {
      ok = this.shortcuts.register(accelerator, this.onPress);
    } catch (err) {
      this.current = { accelerator, registered: false, error: `Electron refused ${accelerator}: ${(err as Error).message}` };
      return this.view;
    }
    this.current = ok
      ? { accelerator, registered: true, error: null }
      : { accelerator, registered: false, error: `${accelerator} is held by another program; close it or choose another hotkey under Voice` };
    return this.view;
  }

  release(): void {
    if (this.current.registered) this.shortcuts.unregister(this.current.accelerator);
    this.current = { ...this.current, registered: false };
  }
}
