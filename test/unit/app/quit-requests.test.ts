// On Windows the tray app quits through app.quit() (so its teardown runs) on `npm start`'s quit message and on the
// console's Ctrl-C, Ctrl+Break and close; other messages are ignored; Linux keeps Electron's own signal handling.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { QUIT_MESSAGE, quitOnRequest, type QuitSource } from '../../../main/app/shell/quit-requests.js';

function setUp(platform: NodeJS.Platform) {
  const app = { quit: vi.fn() };
  const source = new EventEmitter();
  quitOnRequest(app, platform, source as unknown as QuitSource);
  return { app, source };
}

describe('quitOnRequest', () => {
  it('quits gracefully on npm start\'s quit message, and on nothing else that arrives on the channel', () => {
    const { app, source } = setUp('win32');
    source.emit('message', 'quit');
    source.emit('message', { type: QUIT_MESSAGE });
    expect(app.quit).not.toHaveBeenCalled();
    source.emit('message', QUIT_MESSAGE);
    expect(app.quit).toHaveBeenCalledTimes(1);
  });

  it.each(['SIGINT', 'SIGHUP', 'SIGBREAK'] as const)('quits gracefully on the console\'s %s on Windows', (sig) => {
    const { app, source } = setUp('win32');
    source.emit(sig);
    expect(app.quit).toHaveBeenCalledTimes(1);
  });

  it('adds nothing on Linux, where Electron quits gracefully on signals by itself', () => {
    const { app, source } = setUp('linux');
    expect(source.eventNames()).toEqual([]);
    source.emit('message', QUIT_MESSAGE);
    expect(app.quit).not.toHaveBeenCalled();
  });
});
