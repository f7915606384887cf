// A stand-in for the 'electron' module (its binary cannot run here): records what the shell asks of it.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

class MockApp extends EventEmitter {
  paths = new Map<string, string>();
  singleInstance = true;
  isReady = false;
  setPath = vi.fn((name: string, value: string) => void this.paths.set(name, value));
  getPath = vi.fn((name: string) => this.paths.get(name) ?? `/mock/${name}`);
  requestSingleInstanceLock = vi.fn(() => this.singleInstance);
  quit = vi.fn();
  exit = vi.fn();
  getVersion = vi.fn(() => '0.0.0-mock');
  whenReady = vi.fn(async () => {
    this.isReady = true;
  });
}

export const app = new MockApp();
export default { app };
