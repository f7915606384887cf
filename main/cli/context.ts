// What every CLI command receives: its streams and a lazily opened runtime, so tests drive commands in-process.
import type { Readable, Writable } from 'node:stream';
import type { Runtime, RuntimeOptions } from '../core/runtime.js';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
}

export interface CliContext extends CliIo {
  runtime(): Runtime;
  out(line: string): void;
  err(line: string): void;
  /** Set by a command that failed without throwing (doctor with a failing check). */
  exitCode: number;
}

/** core/runtime.js's openRuntime, passed in so that `jett --help` never loads the runtime (the secret store, execa). */
export type OpenRuntime = (opts: RuntimeOptions) => Runtime;

export function createContext(io: CliIo, openRuntime: OpenRuntime): CliContext {
  let runtime: Runtime | null = null;
  return {
    ...io,
    exitCode: 0,
    runtime: () => (runtime ??= openRuntime({ env: io.env })),
    out: (line) => void io.stdout.write(`${line}\n`),
    err: (line) => void io.stderr.write(`${line}\n`),
  };
}

export async function readAllStdin(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
