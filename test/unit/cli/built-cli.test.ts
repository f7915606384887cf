// What `npm install` builds is what users run: the built `jett` answers --help, config and status against a built
// agent; --help and `config get` load no speech runtime, no pg and no VPS generator; a changed checkout rebuilds.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, builtEntry, REPO_ROOT, type CliBuild } from '../../helpers/built-cli.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

const BIN = path.join(REPO_ROOT, 'bin', 'jett.mjs');
const RECORDER = path.join(REPO_ROOT, 'test', 'helpers', 'record-loads.mjs');
const HEAVY = ['onnxruntime-node', '@huggingface/transformers', 'kokoro-js', 'pg'];

let built: CliBuild;
beforeAll(async () => {
  built = await buildCli();
}, 120_000);

function run(args: string[], env: NodeJS.ProcessEnv = {}, bin = BIN): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** The packages and the project's source files that `jett ARGS` loads, recorded by a loader hook around the build. */
function loads(args: string[]): { packages: Set<string>; sources: Set<string> } {
  const log = path.join(tempDir(), 'loads.txt');
  fs.writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', RECORDER, builtEntry(built), ...args], {
    encoding: 'utf8',
    env: { ...process.env, JETT_HOME: tempDir(), JETT_RECORD_LOADS: log },
  });
  expect(r.status, r.stderr).toBe(0);
  const packages = new Set<string>();
  const sources = new Set<string>();
  for (const line of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const file = line.startsWith('file:') ? fileURLToPath(line) : line;
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
    if (pkg) packages.add(pkg);
    const output = built.metafile.outputs[path.relative(REPO_ROOT, file)];
    for (const input of Object.keys(output?.inputs ?? {})) sources.add(input);
  }
  return { packages, sources };
}

describe('the built jett command', () => {
  it('answers --help and config get from dist/cli, without rebuilding', () => {
    const home = tempDir();
    const help = run(['--help'], { JETT_HOME: home });
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    for (const cmd of ['config', 'agent', 'status', 'tunnel', 'vps', 'voice']) expect(help.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    expect(run(['config', 'set', 'tunnel.keepalive', '30'], { JETT_HOME: home }).status).toBe(0);
    const got = run(['config', 'get', 'tunnel.keepalive'], { JETT_HOME: home });
    expect([got.status, got.stdout, got.stderr]).toEqual([0, '30\n', '']);
  });

  it('finds the keyring helper beside the build (without it `secret set` fails: "the keyring helper process failed")', () => {
    expect(fs.existsSync(path.join(built.outdir, 'keyring-child.cjs'))).toBe(true);
    const home = tempDir();
    const set = spawnSync(process.execPath, [BIN, 'secret', 'set', 'postgres.password'], { input: 'not-a-real-password', encoding: 'utf8', env: { ...process.env, JETT_HOME: home } });
    expect([set.status, set.stderr]).toEqual([0, '']);
    expect(run(['secret', 'list'], { JETT_HOME: home }).stdout).toBe('postgres.password\n');
  });

  it.each([[['--help']], [['config', 'get', 'tunnel.keepalive']]])('jett %j loads no speech runtime, no pg, no VPS generator', (args) => {
    const { packages, sources } = loads(args);
    for (const pkg of HEAVY) expect(packages).not.toContain(pkg);
    expect([...sources].filter((s) => s.startsWith('main/core/vps/') || s.startsWith('main/core/voice/'))).toEqual([]);
    // The record is real: the same run sees the command's own module.
    if (args[0] === 'config') expect(sources).toContain('main/cli/commands/config.ts');
  });

  it('records what a heavier command loads (the check above can fail)', () => {
    expect(loads(['vps', '--help']).sources).toContain('main/core/vps/bundle.ts');
    // The demo builds PostgreSQL clusters at once; the sync's commands load pg only once a pool is made.
    expect(loads(['demo', '--help']).packages).toContain('pg');
  });

  it('starts the built agent, which `jett status` reaches, and stops it on SIGTERM', async () => {
    const home = tempDir();
    const agent = spawn(process.execPath, [BIN, 'agent'], { env: { ...process.env, JETT_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    agent.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const closed = new Promise<number | null>((r) => agent.on('close', (c) => r(c)));
    await new Promise<void>((resolve, reject) => {
      agent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/\| tunnel \w+/.test(out)) resolve();
      });
      agent.on('exit', () => reject(new Error(`the agent exited before its status line: ${out}${err}`)));
    });
    const status = run(['status', '--json'], { JETT_HOME: home });
    expect(status.status, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as { running: boolean; status: { tunnel: { state: string } } };
    expect(parsed.running).toBe(true);
    expect(parsed.status.tunnel.state).toBe('unconfigured'); // an empty JETT_HOME: no keys, no peer
    agent.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(out).toContain('stopped (SIGTERM)');
    const after = run(['status', '--json'], { JETT_HOME: home });
    expect([after.status, JSON.parse(after.stdout)]).toEqual([1, { running: false, status: null }]);
  });
});

describe('bin/jett.mjs in a checkout', () => {
  /** A copy of the sources (with the real node_modules unless told), so its builds and edits touch nothing here. */
  function checkout(withModules = true): string {
    const dir = tempDir('jett-checkout-');
    for (const part of ['main', 'bin', 'build', 'package.json']) fs.cpSync(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
    if (withModules) fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    return dir;
  }

  it('builds when there is no build, rebuilds after a source changes, and says how to fix a build that fails', () => {
    const dir = checkout();
    const bin = path.join(dir, 'bin', 'jett.mjs');
    const first = run(['--version'], {}, bin);
    expect([first.status, first.stdout.trim()]).toEqual([0, JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version]);
    expect(first.stderr).toContain('jett: building the command (it has not been built yet)');
    expect(run(['--version'], {}, bin).stderr).toBe('');

    const program = path.join(dir, 'main', 'cli', 'program.ts');
    fs.writeFileSync(program, fs.readFileSync(program, 'utf8').replace("'Jett desktop agent: ", "'Jett, rebuilt: "));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(program, later, later);
    const changed = run(['--help'], {}, bin);
    expect(changed.stderr).toContain('jett: building the command (main/cli/program.ts changed since it was built)');
    expect(changed.stdout).toContain('Jett, rebuilt: ');

    fs.appendFileSync(program, '\nexport const broken = ;\n');
    fs.utimesSync(program, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
    const failed = run(['--help'], {}, bin);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('the `jett` command did not build');
    expect(failed.stderr).toContain('main/cli/program.ts');
    expect(failed.stderr).toContain('fix: correct the error above');
  });

  it('says to install the development dependencies when esbuild is missing (npm install --omit=dev)', () => {
    const r = run(['--help'], {}, path.join(checkout(false), 'bin', 'jett.mjs'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('esbuild is not installed, so the `jett` command cannot be built');
    expect(r.stderr).toContain('fix: run `npm install`');
  });
});

describeWith([root, binary('runuser')], 'bin/jett.mjs run by a user who cannot write the build folder', () => {
  it('says whose build it is and how to rebuild, instead of a stack trace', () => {
    const dir = tempDir('jett-checkout-');
    for (const part of ['main', 'bin', 'build', 'package.json']) fs.cpSync(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
    fs.mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
    for (const p of [dir, path.join(dir, 'dist'), path.join(dir, 'dist', 'cli')]) fs.chmodSync(p, 0o755);
    const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, path.join(dir, 'bin', 'jett.mjs'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, 'dist', 'cli')} is not writable by this user`);
    expect(r.stderr).toContain('fix: run `npm run build:cli` as the owner of');
  });
});
