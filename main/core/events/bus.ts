// The one typed event bus that carries state changes to the tray, the window and the terminal alike.
import { EventEmitter } from 'node:events';
import type { JettEventName, JettEvents } from '../contracts/events.js';

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Many views may watch the same event; none of them is a leak.
    this.emitter.setMaxListeners(100);
  }

  emit<K extends JettEventName>(name: K, payload: JettEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends JettEventName>(name: K, listener: (payload: JettEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
