// Reading when a process started, for the instance lock: /proc on Linux (command names with spaces and parentheses
// included), PowerShell's exit codes and digits on Windows (replayed), never a translated word.
import { describe, expect, it } from 'vitest';
import { linuxStartReader, parseWindowsStart, windowsStartScript } from '../../../main/core/agent/process-start.js';

// The shape of proc(5): "pid (comm) state ppid ... starttime(22) ...", comm as the process named itself.
const stat = (comm: string, starttime: number) => `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 ${starttime} 3133440 389 18446744073709551615 0\n`;
const procStat = 'cpu  1 2 3 4\nintr 5\nbtime 1795971908\nprocesses 100\n';

describe('linuxStartReader', () => {
  it.each(['jett', 'a b', 'x) S 1 2 (y', ''])('reads starttime after the command name %j', (comm) => {
    const reader = linuxStartReader((f) => (f === '/proc/stat' ? procStat : stat(comm, 480436)));
    expect(reader.of(4242)).toEqual({ kind: 'started', atMs: 1795971908 * 1000 + 4804360 });
  });

  it('says gone for a PID without a /proc entry', () => {
    const reader = linuxStartReader(() => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    });
    expect(reader.of(4242)).toEqual({ kind: 'gone' });
  });

  it('reads this process as another process reads it', () => {
    const reader = linuxStartReader();
    expect(reader.of(process.pid)).toEqual({ kind: 'started', atMs: reader.self() });
  });
});

describe('the Windows start reader', () => {
  it('asks .NET by number and answers by exit code: no text to translate', () => {
    expect(windowsStartScript(1234)).toContain('GetProcessById(1234)');
    expect(windowsStartScript(1234)).toContain('ToUnixTimeMilliseconds()');
  });

  it.each([
    // PowerShell prints an Int64 as plain digits and ends the line with CRLF on Windows.
    [{ exitCode: 0, stdout: '1764403200123\r\n' }, { kind: 'started', atMs: 1764403200123 }],
    [{ exitCode: 3, stdout: '' }, { kind: 'gone' }],
    [{ exitCode: 4, stdout: '' }, { kind: 'other' }],
    // powershell.exe itself failed (missing, blocked by policy): nothing is known.
    [{ exitCode: 1, stdout: '' }, { kind: 'unknown' }],
    [{ exitCode: 0, stdout: 'Ausnahme beim Aufrufen\r\n' }, { kind: 'unknown' }],
    [{ exitCode: undefined, stdout: '' }, { kind: 'unknown' }],
  ])('reads %j as %j', (answer, reading) => {
    expect(parseWindowsStart(answer)).toEqual(reading);
  });
});
