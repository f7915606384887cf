// The runner for the commands an idle agent repeats all day: ping every tunnel.pollSeconds, `ip route get` at each
// VPS connect. Node's execFile under the same rules as execaRunner (a resolved binary, an argument array, never a
// shell, a timeout, no window on Windows): execa's plumbing costs about 4 ms more CPU per run (measured: 7.5 ms
// against 3.5 ms of the agent's own time per ping), which at one ping per 5 s was most of an idle agent's CPU.
import { execFile, type ExecFileException } from 'node:child_process';
import type { ProcessRunner } from './runner.js';

export const pollRunner: ProcessRunner = {
  run(file, args, opts = {}) {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    return new Promise((resolve) => {
      const child = execFile(
        file,
        [...args],
        // execa's default, kept: the given variables extend the agent's environment rather than replace it.
        { encoding: 'utf8', timeout: timeoutMs, windowsHide: true, ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) },
        (err: ExecFileException | null, stdout, stderr) => {
          if (!err) return resolve({ exitCode: 0, stdout, stderr });
          if (typeof err.code === 'number') return resolve({ exitCode: err.code, stdout, stderr });
          // Not started, or ended by a signal (the timeout's included): reported like a shell would (127), with why.
          resolve({ exitCode: 127, stdout, stderr: err.killed && err.signal ? `timed out after ${timeoutMs} ms` : err.message });
        },
      );
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(opts.input ?? '');
    });
  },
};
