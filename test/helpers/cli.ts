// Runs `jett` in-process with captured streams, the way a user would type it.
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../main/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function jett(args: string[], opts: { home: string; stdin?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(args, {
    stdout,
    stderr,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: { ...process.env, ...opts.env, JETT_HOME: opts.home },
  });
  return { code, stdout: out, stderr: err };
}
