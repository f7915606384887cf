// `npm start` stopping the app it launched: on Linux the signal is passed on (Electron and `jett agent` stop
// cleanly on it); on Windows, where child.kill() is TerminateProcess, the first stop is a quit request and only a
// second one kills.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { QUIT_MESSAGE as APP_QUIT_MESSAGE } from '../../../main/app/shell/quit-requests.js';

interface StopChild {
  QUIT_MESSAGE: string;
  forwardStop(child: unknown, opts: { platform: NodeJS.Platform; proc: EventEmitter }): void;
  childStdio(platform: NodeJS.Platform): unknown;
}
// A path in a variable: the script is plain JavaScript without type declarations.
const scriptPath = path.resolve('scripts/stop-child.mjs');
const { QUIT_MESSAGE, forwardStop, childStdio } = (await import(scriptPath)) as StopChild;

function launched(platform: NodeJS.Platform, connected: boolean) {
  const child = { connected, kill: vi.fn(), send: vi.fn() };
  const proc = new EventEmitter();
  forwardStop(child, { platform, proc });
  return { child, proc };
}

describe('npm start passing a stop on', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('passes %s on to the child on Linux', (sig) => {
    const { child, proc } = launched('linux', false);
    proc.emit(sig);
    expect(child.kill).toHaveBeenCalledWith(sig);
  });

  it.each(['SIGINT', 'SIGHUP', 'SIGBREAK'] as const)('on Windows asks Electron to quit on %s instead of killing it; a second stop kills', (sig) => {
    const { child, proc } = launched('win32', true);
    proc.emit(sig);
    expect(child.send.mock.calls).toEqual([[APP_QUIT_MESSAGE]]);
    expect(child.kill).not.toHaveBeenCalled();
    proc.emit('SIGINT');
    expect(child.kill).toHaveBeenCalledTimes(1);
    expect(child.send).toHaveBeenCalledTimes(1);
  });

  it('on Windows leaves the headless agent (no IPC channel) to the Ctrl-C it got from the same console', () => {
    const { child, proc } = launched('win32', false);
    proc.emit('SIGINT');
    expect(child.kill).not.toHaveBeenCalled();
    expect(child.send).not.toHaveBeenCalled();
  });

  it('opens the IPC channel for Electron on Windows only, and both sides use the same message', () => {
    expect(childStdio('win32')).toEqual(['inherit', 'inherit', 'inherit', 'ipc']);
    expect(childStdio('linux')).toBe('inherit');
    expect(QUIT_MESSAGE).toBe(APP_QUIT_MESSAGE);
  });
});
