// A rebuild removes builds replaced over an hour ago, but never the one a live `jett agent` runs from: core imports
// the speech runtimes and pg lazily, so an agent started from an old build still loads chunks of it later.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/built-cli.js';
import { tempDir } from '../../helpers/tmp.js';

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** A copy of the sources with the real node_modules, so its builds touch nothing here. */
function checkout(): string {
  const dir = tempDir('jett-checkout-');
  for (const part of ['main', 'bin', 'build', 'resources', 'package.json']) fs.cpSync(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const currentBuild = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'dist', 'cli', 'current.json'), 'utf8')) as { build: string }).build;
const buildDir = (dir: string, build: string) => path.join(dir, 'dist', 'cli', build);
const twoHoursAgo = () => new Date(Date.now() - 2 * 3600_000);

/** Changes a source and runs `jett --version`, which rebuilds (and cleans up) as a user's next command would. */
function rebuild(dir: string): void {
  const program = path.join(dir, 'main', 'cli', 'program.ts');
  fs.appendFileSync(program, '\n');
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(program, later, later);
  const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'jett.mjs'), '--version'], { encoding: 'utf8' });
  expect(r.stderr).toContain('jett: building the command');
  expect(r.status, r.stderr).toBe(0);
}

async function startAgent(dir: string) {
  const agent = spawn(process.execPath, [path.join(dir, 'bin', 'jett.mjs'), 'agent'], { env: { ...process.env, JETT_HOME: tempDir() }, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<number | null>((r) => agent.on('close', (c) => r(c)));
  stops.push(async () => {
    agent.kill('SIGKILL');
    await closed;
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    agent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/\| voice \w+/.test(out)) resolve();
    });
    agent.on('exit', () => reject(new Error(`the agent exited before its status line: ${out}`)));
  });
  return { pid: agent.pid!, stop: async () => (agent.kill('SIGTERM'), closed) };
}

describe('removing replaced builds', () => {
  it('keeps a build a live agent runs from, removes it once the agent has stopped, and ignores markers of dead processes', async () => {
    const dir = checkout();
    const agent = await startAgent(dir);
    const running = currentBuild(dir);
    // The agent marked its build: its pid, in the build's folder.
    expect(fs.readdirSync(path.join(buildDir(dir, running), 'running'))).toEqual([String(agent.pid)]);

    // An older build whose `jett` died without removing its marker (SIGKILL, a power cut).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const abandoned = path.join(dir, 'dist', 'cli', 'b-abandoned');
    fs.mkdirSync(path.join(abandoned, 'running'), { recursive: true });
    fs.writeFileSync(path.join(abandoned, 'running', String(dead)), '');
    for (const d of [abandoned, buildDir(dir, running)]) fs.utimesSync(d, twoHoursAgo(), twoHoursAgo());

    rebuild(dir);
    expect(currentBuild(dir)).not.toBe(running);
    expect(fs.existsSync(buildDir(dir, running))).toBe(true);
    expect(fs.existsSync(abandoned)).toBe(false);

    expect(await agent.stop()).toBe(0);
    expect(fs.readdirSync(path.join(buildDir(dir, running), 'running'))).toEqual([]);
    fs.utimesSync(buildDir(dir, running), twoHoursAgo(), twoHoursAgo());
    rebuild(dir);
    expect(fs.existsSync(buildDir(dir, running))).toBe(false);
  }, 120_000);
});
