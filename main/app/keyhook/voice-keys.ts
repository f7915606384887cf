// The voice key: with `pushToTalk` the key hook (press starts a turn, release ends it); otherwise, or where the hook
// cannot run, the global shortcut toggles. One view for the tray and the window, with why hold-to-talk is off.
import type { VoiceActivation } from '../../core/contracts/voice.js';
import type { HotkeyView } from '../../core/contracts/ipc.js';
import type { Hotkey } from '../hotkey.js';
import { KeyHook, type ForkKeyHook, type KeyHookState } from './key-hook.js';

export interface VoiceKeysDeps {
  hotkey: Pick<Hotkey, 'bind' | 'release' | 'view'>;
  fork: ForkKeyHook;
  hold(down: boolean): void;
  /** The view changed (the hook started, or fell back to the toggle): the window and tray refresh. */
  changed(): void;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export class VoiceKeys {
  private readonly hook: KeyHook;
  private accelerator = '';
  private pushToTalk = false;
  private hold: KeyHookState | null = null;

  constructor(private readonly deps: VoiceKeysDeps) {
    this.hook = new KeyHook({
      fork: deps.fork,
      ...(deps.env ? { env: deps.env } : {}),
      ...(deps.platform ? { platform: deps.platform } : {}),
      onDown: () => deps.hold(true),
      onUp: () => deps.hold(false),
      onState: (state) => this.hookState(state),
    });
  }

  get view(): HotkeyView {
    if (!this.pushToTalk || !this.hold) return this.deps.hotkey.view;
    if (this.hold.active) return { accelerator: this.accelerator, registered: true, error: null, hold: this.hold };
    return { ...this.deps.hotkey.view, hold: this.hold };
  }

  /** (Re)binds the voice key for `activation`. */
  bind(accelerator: string, activation: VoiceActivation): void {
    // Unchanged and working: nothing to do (an unregistered shortcut is tried again, another program may have let go).
    if (accelerator === this.accelerator && (activation === 'pushToTalk') === this.pushToTalk && this.view.registered) return;
    this.accelerator = accelerator;
    this.pushToTalk = activation === 'pushToTalk';
    this.hook.stop();
    this.hold = null;
    if (!this.pushToTalk) {
      this.deps.hotkey.bind(accelerator);
      return;
    }
    // The toggle stays bound until the hook answers, so the key works from the start either way.
    this.deps.hotkey.bind(accelerator);
    this.hook.start(accelerator);
  }

  release(): void {
    this.hook.stop();
    this.deps.hotkey.release();
  }

  private hookState(state: KeyHookState): void {
    if (!this.pushToTalk) return;
    this.hold = state;
    // The hook runs: the shortcut would toggle on the same press, so it is let go. The hook failed: the toggle stays.
    if (state.active) this.deps.hotkey.release();
    else if (!this.deps.hotkey.view.registered) this.deps.hotkey.bind(this.accelerator);
    this.deps.changed();
  }
}
