// Child processes of the demo: `jett` run inside a namespace, its JSON lines read as they come, always stopped.
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { resolveBinary } from '../../core/process/binaries.js';

const JETT_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/jett.mjs');

export interface JettChild {
  readonly pid: number | undefined;
  /** Lines of stderr, kept for the error message if the child dies. */
  readonly stderr: string[];
  stop(): Promise<void>;
  readonly exited: Promise<number | null>;
}

/** Runs `jett ARGS` in network namespace `ns`; each stdout line that is a JSON object goes to onLine. */
export function jettInNamespace(ns: string, args: string[], env: NodeJS.ProcessEnv, onLine: (obj: Record<string, unknown>) => void): JettChild {
  const ip = resolveBinary('ip');
  if (!ip) throw new Error('ip not found (install iproute2: npm run setup:linux)');
  const child: ResultPromise = execa(ip, ['netns', 'exec', ns, process.execPath, JETT_BIN, ...args], {
    env,
    extendEnv: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cleanup: true,
  });
  const stderr: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      const obj = JSON.parse(line) as unknown;
      if (obj && typeof obj === 'object') onLine(obj as Record<string, unknown>);
    } catch {
      // Not one of its JSON lines (a warning): ignored.
    }
  });
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 50) stderr.shift();
  });
  const exited = child.then((r) => r.exitCode ?? null);
  return {
    pid: child.pid,
    stderr,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
