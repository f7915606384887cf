// Replays the recorded outputs of Windows' tools (fixtures/windows, each citing its source) as process results.
import fs from 'node:fs';
import type { RunResult } from '../../../main/core/tunnel/runner.js';

const DIR = new URL('./fixtures/windows/', import.meta.url);
const EXIT_CODES = JSON.parse(fs.readFileSync(new URL('exit-codes.json', DIR), 'utf8')) as Record<string, number>;

// wg.exe and net.exe print their errors on stderr; sc.exe, ping.exe, icacls, reg and PowerShell's values on stdout.
const ON_STDERR = /^wg-|^net-localgroup-(already-member|no-such-account)/;

/** A recorded run: the fixture's text on the stream the tool writes it to, with its exit status. */
export function replay(name: string): RunResult {
  const text = fs.readFileSync(new URL(name, DIR), 'utf8');
  const exitCode = EXIT_CODES[name];
  if (exitCode === undefined) throw new Error(`${name} has no exit code in exit-codes.json`);
  return ON_STDERR.test(name) ? { exitCode, stdout: '', stderr: text } : { exitCode, stdout: text, stderr: '' };
}
