// One agent per user: the second start names the holder; a lock left by a dead process is taken over.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentRunningError, InstanceLock } from '../../../main/core/agent/instance-lock.js';
import { tempDir } from '../../helpers/tmp.js';

describe('InstanceLock', () => {
  it('refuses a second holder and names the process that holds it', () => {
    const file = path.join(tempDir(), 'agent.lock');
    // The parent of this test process is alive and is not us: it stands in for another agent.
    fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, startedAt: '2026-01-01T00:00:00.000Z', kind: 'tray' }));
    const lock = new InstanceLock(file);
    expect(() => lock.acquire('headless')).toThrow(AgentRunningError);
    expect(() => lock.acquire('headless')).toThrow(`pid ${process.ppid}, tray`);
  });

  it('takes over a lock whose process is gone, and releases it', () => {
    const file = path.join(tempDir(), 'agent.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(file, JSON.stringify({ pid: Number(dead.stdout), startedAt: 'x', kind: 'headless' }));
    const lock = new InstanceLock(file);
    lock.acquire('headless');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, kind: 'headless' });
    lock.release();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('treats an unreadable lock file as stale', () => {
    const file = path.join(tempDir(), 'agent.lock');
    fs.writeFileSync(file, 'garbage');
    const lock = new InstanceLock(file);
    lock.acquire('headless');
    lock.release();
  });
});
