// `jett agent` and `npm start` without Electron: what is not configured yet and its next step, a status line, then a
// clean exit on SIGTERM, Ctrl-C or SIGHUP.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stableKey } from '../../../main/cli/commands/agent.js';
import type { StatusSnapshot } from '../../../main/core/contracts/status.js';
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

describe('jett agent without a terminal', () => {
  const at = (heartbeat: StatusSnapshot['heartbeat']): StatusSnapshot => ({
    agent: { pid: 1, version: '0.1.0', startedAt: '2026-11-30T00:00:00.000Z' },
    tunnel: { state: 'up', reason: '', handshakeAgeS: 3, rxBytes: 1, txBytes: 1, probeRttMs: 1, endpoint: null },
    outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null },
    inbox: { pending: 0 },
    heartbeat,
    voice: { state: 'off' },
  });

  it('prints a new line for the first accepted heartbeat and for a recovery, not for each later beat', () => {
    const never = stableKey(at({ lastSentAt: null, failures: 0 }));
    const first = stableKey(at({ lastSentAt: '2026-11-30T00:01:00.000Z', failures: 0 }));
    const later = stableKey(at({ lastSentAt: '2026-11-30T00:02:00.000Z', failures: 0 }));
    const failing = stableKey(at({ lastSentAt: '2026-11-30T00:02:00.000Z', failures: 1, lastError: 'connect ECONNREFUSED' }));
    const back = stableKey(at({ lastSentAt: '2026-11-30T00:04:00.000Z', failures: 1, lastError: null }));
    expect(first).not.toBe(never);
    expect(later).toBe(first);
    expect(failing).not.toBe(later);
    expect(back).not.toBe(failing);
  });
});
