// The CLI's part of `npm run bench:agent -- --json` (issue 15): `jett --help`, `jett config get` and `jett status`
// (against a running agent, started here with a temporary JETT_HOME) as users run them, through bin/jett.mjs and the
// build `npm install` made, each run interleaved with a bare `node -e 0` so the ratios hold on a loaded machine.
// Goals: help_ratio <= 4, config_get_ratio <= 4, status_ratio <= 5. Alone: `tsx test/bench/cli-timing.ts --json`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { AgentCliResultSchema } from '../../main/harness/bench/results.js';
import { buildCli, REPO_ROOT } from '../helpers/built-cli.js';

export const CliTimingSchema = AgentCliResultSchema;
export type CliTiming = z.infer<typeof CliTimingSchema>;

export const CLI_TIMING_GOALS = { help_ratio: 4, config_get_ratio: 4, status_ratio: 5 } as const;

export interface CliTimingOptions {
  /** Timed runs of each command (and as many bare Node starts before each); medians are reported. */
  runs?: number;
  /** The `jett` to time; by default this checkout's bin/jett.mjs, freshly built first. */
  bin?: string;
  say?: (line: string) => void;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Runs `node ARGS` to completion; returns its wall time in ms, failing on an exit code other than `expectCode`. */
function timed(args: string[], env: NodeJS.ProcessEnv, expect: (stdout: string) => boolean): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0 || !expect(r.stdout)) throw new Error(`node ${args.join(' ')} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
  return ms;
}

/** `jett agent` in the background until `stop()`; resolves once it prints its first status line. */
async function startAgent(bin: string, env: NodeJS.ProcessEnv): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [bin, 'agent'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/\| tunnel \w+/.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`jett agent exited (${code}) before its first status line: ${out}`)));
  });
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

export async function measureCliTiming(opts: CliTimingOptions = {}): Promise<CliTiming> {
  const runs = opts.runs ?? 11;
  const say = opts.say ?? (() => {});
  let bin = opts.bin;
  if (!bin) {
    const built = await buildCli();
    say(`built the jett command into ${path.relative(REPO_ROOT, built.outdir)}`);
    bin = path.join(REPO_ROOT, 'bin', 'jett.mjs');
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-bench-cli-'));
  const env = { ...process.env, JETT_HOME: home };
  const agent = await startAgent(bin, env);
  try {
    const bare = () => timed(['-e', '0'], env, () => true);
    const commands = {
      help: () => timed([bin, '--help'], env, (o) => o.includes('Commands:')),
      config_get: () => timed([bin, 'config', 'get', 'tunnel.keepalive'], env, (o) => /^\d+\n$/.test(o)),
      status: () => timed([bin, 'status', '--json'], env, (o) => (JSON.parse(o) as { running: boolean }).running),
    };
    const node: number[] = [];
    const times: Record<keyof typeof commands, number[]> = { help: [], config_get: [], status: [] };
    // One untimed round first: the page cache and the build's files are then as warm as for a user's second command.
    bare();
    for (const run of Object.values(commands)) run();
    for (let i = 0; i < runs; i++) {
      for (const [name, run] of Object.entries(commands) as [keyof typeof commands, () => number][]) {
        node.push(bare());
        times[name].push(run());
      }
      say(`round ${i + 1}/${runs}: node ${round(node.at(-1)!, 1)} ms, help ${round(times.help.at(-1)!, 1)} ms, config get ${round(times.config_get.at(-1)!, 1)} ms, status ${round(times.status.at(-1)!, 1)} ms`);
    }
    const nodeMs = median(node);
    const ms = (name: keyof typeof commands) => median(times[name]);
    return CliTimingSchema.parse({
      node_start_ms: round(nodeMs),
      help_ms: round(ms('help')),
      help_ratio: round(ms('help') / nodeMs),
      config_get_ms: round(ms('config_get')),
      config_get_ratio: round(ms('config_get') / nodeMs),
      status_ms: round(ms('status')),
      status_ratio: round(ms('status') / nodeMs),
    });
  } finally {
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, runs: { type: 'string', default: '11' }, bin: { type: 'string' } } });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const result = await measureCliTiming({ runs: Number(values.runs), bin: values.bin, say });
  const missed = (Object.keys(CLI_TIMING_GOALS) as (keyof typeof CLI_TIMING_GOALS)[]).filter((k) => result[k] > CLI_TIMING_GOALS[k]);
  say(`goals help_ratio <= 4, config_get_ratio <= 4, status_ratio <= 5: ${missed.length ? `MISSED ${missed.join(', ')}` : 'met'}`);
  say(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  process.exitCode = missed.length ? 1 : 0;
}
