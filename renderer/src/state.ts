// What the window knows: the last settings and status views from main, and who wants to hear when they change.
import type { SettingsView, StatusView } from '../../main/core/contracts/ipc.js';

export interface AppState {
  settings: SettingsView;
  status: StatusView;
}

type Listener = () => void;

export class Store {
  private listeners = new Set<Listener>();
  constructor(public state: AppState) {}

  setSettings(settings: SettingsView): void {
    this.state = { ...this.state, settings };
    this.emit();
  }

  setStatus(status: StatusView): void {
    this.state = { ...this.state, status };
    this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
