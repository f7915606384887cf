// The one way the tunnel runs programs: execa with a resolved binary and an argument array, never a shell.
// Tests swap in runners that wrap commands in a network namespace or record them.
import { execa } from 'execa';

export interface RunOptions {
  /** Written to the child's stdin: how keys reach a program, never argv. */
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ProcessRunner {
  run(file: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export const execaRunner: ProcessRunner = {
  async run(file, args, opts = {}) {
    const r = await execa(file, [...args], {
      reject: false,
      input: opts.input ?? '',
      env: opts.env,
      timeout: opts.timeoutMs ?? 60_000,
      stripFinalNewline: false,
    });
    // A binary that could not start has no exit code: report it like a shell would (127), with execa's reason.
    const exitCode = typeof r.exitCode === 'number' ? r.exitCode : 127;
    const stderr = typeof r.exitCode === 'number' ? String(r.stderr ?? '') : (r.shortMessage ?? 'could not start');
    return { exitCode, stdout: String(r.stdout ?? ''), stderr };
  },
};
