// The `jett` command as a user types it: help, config, secrets (stdin only, names only) and exit codes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

describe('jett --help', () => {
  it('runs through the installed bin and lists the commands', () => {
    const res = spawnSync(process.execPath, ['bin/jett.mjs', '--help'], { encoding: 'utf8', env: { ...process.env, JETT_HOME: tempDir() } });
    expect(res.status).toBe(0);
    for (const cmd of ['config', 'secret', 'doctor', 'agent']) expect(res.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
  });

  it('exits 2 with a hint on an unknown command', async () => {
    const res = await jett(['frobnicate'], { home: tempDir() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('unknown command');
  });
});

describe('jett config', () => {
  it('prints the path under JETT_HOME, sets and gets a value', async () => {
    const home = tempDir();
    expect((await jett(['config', 'path'], { home })).stdout.trim()).toBe(path.join(home, 'config.json'));
    expect((await jett(['config', 'set', 'voice.silenceMs', '350'], { home })).code).toBe(0);
    expect((await jett(['config', 'get', 'voice.silenceMs'], { home })).stdout.trim()).toBe('350');
    const list = await jett(['config', 'list'], { home });
    expect(list.stdout).toContain('voice.silenceMs = 350');
    expect(list.stdout).toContain('tunnel.interface = "jett0"');
  });

  it('fails with the file, the key and the fix when the file is invalid', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ tunnel: { keepalive: 'x' } }));
    const res = await jett(['config', 'get', 'tunnel.keepalive'], { home });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(path.join(home, 'config.json'));
    expect(res.stderr).toContain('tunnel.keepalive');
    expect(res.stderr).toContain('fix: run `jett config set tunnel.keepalive 25`');
  });

  it('rejects an unknown key as a usage error', async () => {
    const res = await jett(['config', 'get', 'nope.key'], { home: tempDir() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('jett config list');
  });
});

describe('jett secret', () => {
  const value = 'pg-pass-7f3a9c1e2b';

  it('reads the value from stdin, lists the name, and never prints the value', async () => {
    const home = tempDir();
    const set = await jett(['secret', 'set', 'postgres.password'], { home, stdin: `${value}\n` });
    expect(set.code).toBe(0);
    const list = await jett(['secret', 'list'], { home });
    expect(list.stdout.trim()).toBe('postgres.password');
    const json = await jett(['secret', 'list', '--json'], { home });
    expect(JSON.parse(json.stdout)).toEqual({ names: ['postgres.password'] });
    const everything = [set, list, json].map((r) => r.stdout + r.stderr).join('');
    expect(everything).not.toContain(value);
    const stored = JSON.parse(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(stored['postgres.password']).toBe(value);
  });

  it('refuses an unknown name and an empty stdin', async () => {
    const home = tempDir();
    const unknown = await jett(['secret', 'set', 'aws.key'], { home, stdin: 'x' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('tunnel.privateKey');
    const empty = await jett(['secret', 'set', 'heartbeat.token'], { home, stdin: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('standard input');
  });
});
