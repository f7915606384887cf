// What the built `jett agent` loads while it idles: with voice switched off, or with no speech model installed, no
// speech runtime (onnxruntime-node, transformers.js, kokoro-js, sharp) and, with the sync not configured, no pg;
// with voice on and the stand-in speech models, the runtimes load and `jett status` shows what each model cost.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentStatusOutputSchema, type StatusSnapshot } from '../../../main/core/contracts/status.js';
import { buildCli, builtEntry, REPO_ROOT, type CliBuild } from '../../helpers/built-cli.js';
import { tempDir } from '../../helpers/tmp.js';

const RECORDER = path.join(REPO_ROOT, 'test', 'helpers', 'record-loads.mjs');
const STAND_INS = path.join(REPO_ROOT, 'test', 'integration', 'models', 'fixtures');
const SPEECH = ['onnxruntime-node', '@huggingface/transformers', 'kokoro-js', 'sharp'];

let built: CliBuild;
beforeAll(async () => {
  built = await buildCli();
}, 120_000);

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function jett(home: string, args: string[]) {
  return spawnSync(process.execPath, [builtEntry(built), ...args], { encoding: 'utf8', env: { ...process.env, JETT_HOME: home } });
}

/** A JETT_HOME with these config keys set through `jett config set`, as a user would. */
function homeWith(settings: Record<string, string>): string {
  const home = tempDir();
  for (const [key, value] of Object.entries(settings)) expect(jett(home, ['config', 'set', key, value]).status).toBe(0);
  return home;
}

/** A models folder holding the stand-ins under the default models' names (same file layout and input/output names). */
function standInModels(): string {
  const dir = tempDir('jett-models-');
  fs.cpSync(path.join(STAND_INS, 'whisper-mini'), path.join(dir, 'whisper-base'), { recursive: true });
  fs.cpSync(path.join(STAND_INS, 'kokoro-mini'), path.join(dir, 'kokoro-82m'), { recursive: true });
  return dir;
}

/**
 * Starts the built agent under the load recorder, waits for its status line (every service started), reads
 * `jett status --json` from it, stops it, and returns the packages it loaded with that status.
 */
async function idleAgent(home: string) {
  const log = path.join(tempDir(), 'loads.txt');
  fs.writeFileSync(log, '');
  const agent = spawn(process.execPath, ['--import', RECORDER, builtEntry(built), 'agent'], { env: { ...process.env, JETT_HOME: home, JETT_RECORD_LOADS: log }, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<number | null>((r) => agent.on('close', (c) => r(c)));
  stops.push(async () => {
    agent.kill('SIGKILL');
    await closed;
  });
  let out = '';
  agent.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    agent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/\| voice \w+/.test(out)) resolve();
    });
    agent.on('exit', () => reject(new Error(`the agent exited before its status line: ${out}`)));
  });
  const status = jett(home, ['status', '--json']);
  expect(status.status, status.stderr).toBe(0);
  agent.kill('SIGTERM');
  expect(await closed).toBe(0);
  const packages = new Set<string>();
  for (const line of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const file = line.startsWith('file:') ? fileURLToPath(line) : line;
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
    if (pkg) packages.add(pkg);
  }
  return { packages, status: AgentStatusOutputSchema.parse(JSON.parse(status.stdout)).status!, out };
}

/** Asks the running agent for its status until `done` holds (the config watcher applies a change within moments). */
async function statusWhen(home: string, done: (s: StatusSnapshot) => boolean): Promise<StatusSnapshot> {
  for (let i = 0; ; i++) {
    const r = jett(home, ['status', '--json']);
    const s = AgentStatusOutputSchema.parse(JSON.parse(r.stdout)).status;
    if (s && done(s)) return s;
    if (i >= 100) throw new Error(`the agent's status never changed as expected: ${r.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the idle built agent', () => {
  it('with voice switched off loads no speech runtime and no pg, and says how to switch voice on', async () => {
    const { packages, status } = await idleAgent(homeWith({ 'voice.enabled': 'false', 'models.dir': standInModels() }));
    for (const pkg of [...SPEECH, 'pg']) expect(packages).not.toContain(pkg);
    // The record is real: the agent's own database driver is in it.
    expect(packages).toContain('better-sqlite3');
    expect(status.voice.state).toBe('off');
    expect(status.setup?.voice).toEqual({ configured: false, reason: expect.stringContaining('voice is switched off'), next: expect.stringContaining('jett config set voice.enabled true') });
    expect(status.models?.memory).toBeUndefined();
  });

  it('with voice on and no speech model installed loads no speech runtime', async () => {
    const { packages, status } = await idleAgent(homeWith({ 'models.dir': tempDir('jett-models-') }));
    for (const pkg of [...SPEECH, 'pg']) expect(packages).not.toContain(pkg);
    expect(status.setup?.voice.reason).toContain('speech models not downloaded');
  });

  it('with voice on and the stand-in models loads the runtimes once, and accounts each model in jett status', async () => {
    const home = homeWith({ 'models.dir': standInModels(), 'models.executionProvider': 'cpu' });
    const { packages, status, out } = await idleAgent(home);
    for (const pkg of ['onnxruntime-node', '@huggingface/transformers', 'kokoro-js']) expect(packages).toContain(pkg);
    expect(status.voice.state, out).toBe('idle');
    const memory = status.models?.memory ?? [];
    expect(memory.map((m) => [m.task, m.engine, m.ep])).toEqual([
      ['runtime', 'onnxruntime-node, transformers.js, kokoro-js', 'cpu'],
      ['vad', 'silero-vad-v5', 'cpu'],
      ['stt', 'whisper-base', 'cpu'],
      ['tts', 'kokoro-82m', 'cpu'],
    ]);
    for (const m of memory) expect(m.rssMb).toBeGreaterThanOrEqual(0);
    // The runtimes themselves weigh something: their import grows the agent's memory.
    expect(memory[0]!.rssMb).toBeGreaterThan(1);
    expect(status.models?.stt).toMatchObject({ engine: 'whisper-base', ep: 'cpu' });
  });

  it('switched off while it runs: lets the models go and keeps the runtimes figure; on again: the runtimes are not counted as free', async () => {
    const home = homeWith({ 'models.dir': standInModels(), 'models.executionProvider': 'cpu' });
    const agent = spawn(process.execPath, [builtEntry(built), 'agent'], { env: { ...process.env, JETT_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<number | null>((r) => agent.on('close', (c) => r(c)));
    stops.push(async () => {
      agent.kill('SIGKILL');
      await closed;
    });
    const first = await statusWhen(home, (s) => s.voice.state === 'idle');
    const runtime = first.models?.memory?.find((m) => m.task === 'runtime');
    expect(runtime?.rssMb).toBeGreaterThan(1);

    expect(jett(home, ['config', 'set', 'voice.enabled', 'false']).status).toBe(0);
    const off = await statusWhen(home, (s) => s.setup?.voice.reason.includes('switched off') === true);
    expect(off.voice.state).toBe('off');
    expect(off.models?.memory).toEqual([runtime]);

    expect(jett(home, ['config', 'set', 'voice.enabled', 'true']).status).toBe(0);
    const on = await statusWhen(home, (s) => s.voice.state === 'idle' && (s.models?.memory?.length ?? 0) === 4);
    expect(on.models?.memory?.find((m) => m.task === 'runtime')).toEqual(runtime);
    agent.kill('SIGTERM');
    expect(await closed).toBe(0);
  });
});
