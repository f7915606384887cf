// `jett agent` and `npm start` without Electron: what is not configured yet and its next step, a status line, then a
// clean exit on SIGTERM, Ctrl-C or SIGHUP.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp.js';

async function runUntilOutput(args: string[], env: NodeJS.ProcessEnv, wanted: RegExp, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (wanted.test(stdout)) resolve();
    });
    child.on('exit', () => reject(new Error(`exited before printing ${wanted}: ${stdout}${stderr}`)));
  });
  child.kill(signal);
  // 'close', not 'exit': only then has all of stdout been read.
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  return { code, stdout, stderr };
}

describe('jett agent', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('prints its status and stops cleanly on %s', async (sig) => {
    const res = await runUntilOutput(['bin/jett.mjs', 'agent'], { JETT_HOME: tempDir() }, /\| tunnel \w+/, sig);
    // An empty JETT_HOME: nothing is set up, which is said with the next step, not as a tunnel that is down or lost.
    expect(res.stdout).toMatch(/^tunnel not configured — this desktop has no WireGuard key yet .*\n {2}next: run `jett keys generate`/m);
    expect(res.stdout).toMatch(/^jett \S+ \| tunnel not configured \| outbox 0 pending/m);
    expect(res.stdout).toContain(`stopped (${sig})`);
    expect(res.code).toBe(0);
  });

  it('prints JSON lines with --json', async () => {
    const res = await runUntilOutput(['bin/jett.mjs', 'agent', '--json'], { JETT_HOME: tempDir() }, /"type":"status"/, 'SIGTERM');
    const first = JSON.parse(res.stdout.split('\n')[0]!) as { type: string; status: { tunnel: { state: string } } };
    expect(first.type).toBe('status');
    expect(first.status.tunnel.state).toBe('unconfigured');
  });
});

describe('npm start without a display', () => {
  it('says in one line why Electron cannot start and runs the headless agent', async () => {
    const env: NodeJS.ProcessEnv = { JETT_HOME: tempDir(), DISPLAY: '', WAYLAND_DISPLAY: '' };
    const res = await runUntilOutput(['scripts/start.mjs'], env, /outbox/, 'SIGTERM');
    const lines = res.stdout.split('\n');
    expect(lines[0]).toMatch(/^Electron cannot start here: no display .*; running the headless agent \(jett agent\) instead\.$/);
    expect(lines[1]).toMatch(/^tunnel not configured — /);
    expect(res.stdout).toMatch(/^jett .*\| tunnel not configured/m);
  });
});
