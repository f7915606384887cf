// What the user sees of the agent's status: the last snapshot and recent voice turns, shown on the tray and in the
// window, with a notification when health changes (not on every poll).
import type { EventChannel, StatusView } from '../../core/contracts/ipc.js';
import type { SetupView } from '../../core/contracts/setup.js';
import type { StatusSnapshot } from '../../core/contracts/status.js';
import type { AgentHandle } from '../agent-handle.js';
import type { Hotkey } from '../hotkey.js';
import type { LoginItem } from '../login-item.js';
import { HealthNotifier } from '../notifications.js';
import { trayModel, type TrayModel } from '../tray/model.js';
import type { TrayView } from '../tray/tray.js';
import type { Notify } from './notify.js';

const MAX_TURNS = 20;

export interface PresenterDeps {
  agent: Pick<AgentHandle, 'status'>;
  hotkey: Pick<Hotkey, 'view'>;
  loginItem: Pick<LoginItem, 'get'>;
  notify: Notify;
  send: (channel: EventChannel, payload: unknown) => void;
}

export class StatusPresenter {
  private readonly turns: StatusView['turns'] = [];
  private readonly notifier = new HealthNotifier();
  private tray: TrayView | null = null;
  private setup: SetupView | null = null;
  /** The app's capture page holds the microphone open now. */
  private microphoneOpen = false;

  private constructor(
    private readonly deps: PresenterDeps,
    private last: StatusSnapshot,
  ) {}

  /** Reads the first snapshot; nothing is shown until a tray is attached. */
  static async open(deps: PresenterDeps): Promise<StatusPresenter> {
    return new StatusPresenter(deps, await deps.agent.status());
  }

  view(): StatusView {
    return { snapshot: this.last, hotkey: this.deps.hotkey.view, turns: [...this.turns] };
  }

  trayModel(): TrayModel {
    return trayModel({ status: this.last, hotkey: this.deps.hotkey.view, openAtLogin: this.deps.loginItem.get(), setup: this.setup, microphoneOpen: this.microphoneOpen });
  }

  /** The capture page opened or closed the microphone: the tray shows it at once. */
  setMicrophone(open: boolean): void {
    this.microphoneOpen = open;
    this.redrawTray();
  }

  /** The checklist as main last computed it (at start and after each setup action): the tray's compact copy. */
  setSetup(view: SetupView): void {
    this.setup = view;
    this.redrawTray();
  }

  /** Shows the current state on the tray from now on, and notifies what the first snapshot already says. */
  attachTray(tray: TrayView): void {
    this.tray = tray;
    for (const n of this.notifier.next(this.last)) this.deps.notify(n.title, n.body);
  }

  /** Redraws the tray from what is known (a login-item change needs no new snapshot). */
  redrawTray(): void {
    this.tray?.apply(this.trayModel());
  }

  /** Reads the agent's status and updates tray, window and notifications. */
  async refresh(): Promise<StatusView> {
    this.last = await this.deps.agent.status();
    for (const n of this.notifier.next(this.last)) this.deps.notify(n.title, n.body);
    this.redrawTray();
    const v = this.view();
    this.deps.send('status:changed', v);
    return v;
  }

  /** Keeps the last MAX_TURNS voice latencies for the window's history. */
  recordTurn(turn: StatusView['turns'][number]): void {
    this.turns.push(turn);
    if (this.turns.length > MAX_TURNS) this.turns.splice(0, this.turns.length - MAX_TURNS);
  }
}
