// The stop signals of every long-running command: Windows' SIGHUP (console closed) and SIGBREAK (Ctrl+Break) stop
// as cleanly as Ctrl-C and SIGTERM; a second signal forces the exit; release() leaves no handler behind.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STOP_SIGNALS, stopSignal } from '../../../main/cli/stop-signal.js';

afterEach(() => vi.restoreAllMocks());

describe('stopSignal', () => {
  it.each(STOP_SIGNALS)('asks for a clean stop on %s', async (sig) => {
    const before = process.listenerCount(sig);
    const s = stopSignal();
    // Injected as the process would receive it: Linux cannot send SIGBREAK, and no test may kill the runner.
    process.emit(sig, sig);
    await expect(s.stopped).resolves.toBe(sig);
    s.release();
    expect(process.listenerCount(sig)).toBe(before);
  });

  it('listens for the signals Windows really sends', () => {
    expect([...STOP_SIGNALS].sort()).toEqual(['SIGBREAK', 'SIGHUP', 'SIGINT', 'SIGTERM']);
  });

  it('forces the exit (130) on a second signal, whichever two arrive', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const s = stopSignal();
    process.emit('SIGHUP', 'SIGHUP');
    await expect(s.stopped).resolves.toBe('SIGHUP');
    expect(exit).not.toHaveBeenCalled();
    process.emit('SIGBREAK', 'SIGBREAK');
    expect(exit).toHaveBeenCalledWith(130);
    s.release();
  });
});
