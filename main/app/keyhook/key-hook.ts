// Hold-to-talk: a global key hook with real key-down and key-up, in a process of its own (an Electron utility
// process in the app, a Node child in the tests), because uiohook-napi aborts its whole process when no display is
// usable. The child reports only the configured key's press and release; its death is reported, never fatal, and
// the shell falls back to the toggle hotkey with the reason the window shows.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The hook's program, beside this module (and beside the app's bundle, where build-app copies it). */
export const KEY_HOOK_CHILD = fileURLToPath(new URL('./key-hook-child.cjs', import.meta.url));

/** The part of a utility process (or Node child) this uses. */
export interface KeyHookProcess {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
  kill(): boolean;
}

export type ForkKeyHook = (modulePath: string) => KeyHookProcess;

export interface Modifiers {
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}

/** The key to hold, in uiohook-napi's names, and the modifiers that must be down when it is pressed. */
export interface HoldKey {
  key: string;
  modifiers: Modifiers;
}

export interface KeyHookState {
  /** The hook runs: the key's press starts a turn and its release ends it. */
  active: boolean;
  /** Why hold-to-talk is not available (the hotkey toggles instead), else null. */
  reason: string | null;
}

const NAMED: Record<string, string> = {
  space: 'Space', tab: 'Tab', backspace: 'Backspace', delete: 'Delete', insert: 'Insert', return: 'Enter', enter: 'Enter',
  up: 'ArrowUp', down: 'ArrowDown', left: 'ArrowLeft', right: 'ArrowRight', home: 'Home', end: 'End', pageup: 'PageUp',
  pagedown: 'PageDown', escape: 'Escape', esc: 'Escape', ';': 'Semicolon', '=': 'Equal', ',': 'Comma', '-': 'Minus',
  '.': 'Period', '/': 'Slash', '`': 'Backquote', '[': 'BracketLeft', '\\': 'Backslash', ']': 'BracketRight', "'": 'Quote',
};

/** An Electron accelerator ("Ctrl+Alt+J") as the hook's key and modifiers; a string says what is wrong with it. */
export function holdKey(accelerator: string, platform: NodeJS.Platform): HoldKey | string {
  const parts = accelerator.split('+').map((p) => p.trim());
  const last = parts.pop() ?? '';
  const modifiers: Modifiers = { ctrl: false, alt: false, shift: false, meta: false };
  for (const m of parts.map((p) => p.toLowerCase())) {
    if (m === 'ctrl' || m === 'control') modifiers.ctrl = true;
    else if (m === 'cmdorctrl' || m === 'commandorcontrol') modifiers[platform === 'darwin' ? 'meta' : 'ctrl'] = true;
    else if (m === 'alt' || m === 'option' || m === 'altgr') modifiers.alt = true;
    else if (m === 'shift') modifiers.shift = true;
    else if (m === 'super' || m === 'meta' || m === 'cmd' || m === 'command') modifiers.meta = true;
    else return `"${m}" is not a modifier`;
  }
  const lower = last.toLowerCase();
  const key = /^[a-z0-9]$/.test(lower) ? lower.toUpperCase() : /^f([1-9]|1[0-9]|2[0-4])$/.test(lower) ? lower.toUpperCase() : NAMED[lower];
  if (!key) return `"${last}" is not a key hold-to-talk can use`;
  return { key, modifiers };
}

/** Why the hook cannot see the desktop's keys here, before it is even started; null when it may. */
export function hookUnavailable(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  if (platform === 'linux' && (env.XDG_SESSION_TYPE === 'wayland' || (env.WAYLAND_DISPLAY && !env.DISPLAY))) {
    return 'hold-to-talk is not available under Wayland: a key hook sees no keys pressed in other windows there, so the hotkey toggles instead (log in to an X11 session for hold-to-talk)';
  }
  return null;
}

/** The reason shown when the hook process died or refused to start. */
export function hookFailure(platform: NodeJS.Platform, how: { code: number | null } | { message: string }): string {
  const what = 'code' in how ? `the key hook stopped (exit ${how.code ?? 'by a signal'})` : `the key hook did not start: ${how.message}`;
  if (platform === 'darwin') return `${what}: macOS may refuse it; allow Jett under System Settings > Privacy & Security > Accessibility and Input Monitoring, then restart Jett. The hotkey toggles meanwhile`;
  if (platform === 'linux') return `${what}: no usable X11 display (DISPLAY is unset or refuses connections). The hotkey toggles instead`;
  return `${what}. The hotkey toggles instead; restart Jett to try again`;
}

/** uiohook-napi's entry, resolved here where node_modules is known (the child cannot look it up itself). */
export function hookModule(): string {
  return createRequire(import.meta.url).resolve('uiohook-napi');
}

export interface KeyHookDeps {
  fork: ForkKeyHook;
  module?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  onDown(): void;
  onUp(): void;
  /** Each change of state: running, or why not (the shell then binds the toggle). */
  onState(state: KeyHookState): void;
  /** How long the hook process may take to say it runs (or why not) before it is stopped; 10 s by default. */
  startTimeoutMs?: number;
}

/**
 * A hook process that neither runs nor fails by then is stopped: without a usable display the native library
 * usually aborts its process, but on a busy machine it was seen to hang there instead (here: 5 of 40 starts with the
 * cores saturated), which left hold-to-talk silently dead.
 */
const START_TIMEOUT_MS = 10_000;

export class KeyHook {
  private child: KeyHookProcess | null = null;
  private startTimer: ReturnType<typeof setTimeout> | null = null;
  /** The key is down: a hook that dies now owes the turn its release. */
  private held = false;
  private current: KeyHookState = { active: false, reason: 'not started' };
  private readonly platform: NodeJS.Platform;

  constructor(private readonly deps: KeyHookDeps) {
    this.platform = deps.platform ?? process.platform;
  }

  get state(): KeyHookState {
    return { ...this.current };
  }

  /** Starts the hook for `accelerator`; the state arrives through onState (ready, or why not). */
  start(accelerator: string): void {
    this.stop();
    const unavailable = hookUnavailable(this.deps.env ?? process.env, this.platform);
    if (unavailable) return this.set({ active: false, reason: unavailable });
    const key = holdKey(accelerator, this.platform);
    if (typeof key === 'string') return this.set({ active: false, reason: `${key}; the hotkey toggles instead` });
    let child: KeyHookProcess;
    try {
      child = this.deps.fork(KEY_HOOK_CHILD);
    } catch (err) {
      return this.set({ active: false, reason: hookFailure(this.platform, { message: (err as Error).message }) });
    }
    this.child = child;
    const timeoutMs = this.deps.startTimeoutMs ?? START_TIMEOUT_MS;
    this.startTimer = setTimeout(() => {
      if (this.child !== child) return;
      this.stop();
      this.set({ active: false, reason: hookFailure(this.platform, { message: `it did not answer within ${Math.round(timeoutMs / 1000)} s, so it was stopped` }) });
    }, timeoutMs);
    this.startTimer.unref?.();
    child.on('message', (m) => {
      if (this.child !== child || typeof m !== 'object' || m === null) return;
      const msg = m as { type?: unknown; message?: unknown };
      if (msg.type === 'ready' || msg.type === 'failed') this.clearStartTimer();
      if (msg.type === 'down') {
        this.held = true;
        this.deps.onDown();
      } else if (msg.type === 'up') {
        this.held = false;
        this.deps.onUp();
      }
      else if (msg.type === 'ready') this.set({ active: true, reason: null });
      else if (msg.type === 'failed') {
        this.stop();
        this.set({ active: false, reason: hookFailure(this.platform, { message: String(msg.message) }) });
      }
    });
    child.on('exit', (code) => {
      if (this.child !== child) return;
      this.clearStartTimer();
      this.child = null;
      // A key held when the hook died would leave the microphone open: its release is assumed.
      if (this.held) {
        this.held = false;
        this.deps.onUp();
      }
      this.set({ active: false, reason: hookFailure(this.platform, { code }) });
    });
    child.postMessage({ module: this.deps.module ?? hookModule(), key: key.key, modifiers: key.modifiers });
  }

  stop(): void {
    this.clearStartTimer();
    const child = this.child;
    this.child = null;
    child?.kill();
    if (this.current.active) this.set({ active: false, reason: 'stopped' });
  }

  private clearStartTimer(): void {
    if (this.startTimer !== null) clearTimeout(this.startTimer);
    this.startTimer = null;
  }

  private set(state: KeyHookState): void {
    this.current = state;
    this.deps.onState(this.state);
  }
}
