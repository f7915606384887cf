// One agent per user: the second start names the holder; a lock left by a dead process is taken over; real processes
// racing for the lock (fresh, stale, unreadable or released) end with exactly one holder, every time.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentRunningError, InstanceLock } from '../../../main/core/agent/instance-lock.js';
import { linuxStartReader, windowsStartReader } from '../../../main/core/agent/process-start.js';
import { tempDir } from '../../helpers/tmp.js';

const CONTENDER = path.join(import.meta.dirname, 'fixtures', 'lock-contender.ts');

interface Answer {
  ok: boolean;
  name?: string;
  message?: string;
}

/** A separate process that takes or releases a lock when told; its answers arrive in order. */
function contender() {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', CONTENDER], { stdio: ['pipe', 'pipe', 'pipe'] });
  const answers: Answer[] = [];
  const waiters: (() => void)[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (l) => {
    answers.push(JSON.parse(l) as Answer);
    waiters.splice(0).forEach((w) => w());
  });
  return {
    pid: () => child.pid!,
    tell: (cmd: 'acquire' | 'release', file: string) => child.stdin.write(`${cmd} ${file}\n`),
    answer: async (): Promise<Answer> => {
      while (answers.length === 0) await new Promise<void>((r) => waiters.push(r));
      return answers.shift()!;
    },
    stop: () => child.kill(),
  };
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

type Contender = ReturnType<typeof contender>;
let others: Contender[] = [];
beforeAll(() => {
  others = [contender(), contender(), contender()];
});
afterAll(() => others.forEach((c) => c.stop()));

describe('InstanceLock', () => {
  it('refuses a second holder and names the process that holds it', async () => {
    const file = path.join(tempDir(), 'agent.lock');
    const holder = others[0]!;
    holder.tell('acquire', file);
    expect(await holder.answer()).toEqual({ ok: true });
    const lock = new InstanceLock(file);
    expect(() => lock.acquire('headless')).toThrow(AgentRunningError);
    expect(() => lock.acquire('headless')).toThrow(`pid ${holder.pid()}, headless`);
    holder.tell('release', file);
    expect(await holder.answer()).toEqual({ ok: true });
    // Released, though its process still runs: the lock is free again.
    lock.acquire('tray');
    holder.tell('acquire', file);
    expect(await holder.answer()).toMatchObject({ ok: false, name: 'AgentRunningError', message: expect.stringContaining(`pid ${process.pid}, tray`) });
    lock.release();
  });

  it('honours the single lock file of an earlier version while its agent runs', () => {
    const file = path.join(tempDir(), 'agent.lock');
    // The parent of this test process is alive and is not us: it stands in for an older agent.
    fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, startedAt: '2026-01-01T00:00:00.000Z', kind: 'tray' }));
    expect(() => new InstanceLock(file).acquire('headless')).toThrow(`pid ${process.ppid}, tray`);
  });

  it('takes over a lock whose process is gone, holds it, and releases it', async () => {
    const file = path.join(tempDir(), 'agent.lock');
    fs.mkdirSync(`${file}.d`);
    fs.writeFileSync(path.join(`${file}.d`, '7'), JSON.stringify({ pid: deadPid(), startedAt: 'x', kind: 'headless' }));
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), startedAt: 'x', kind: 'tray' }));
    const lock = new InstanceLock(file);
    lock.acquire('headless');
    const other = others[1]!;
    other.tell('acquire', file);
    expect(await other.answer()).toMatchObject({ ok: false, name: 'AgentRunningError', message: expect.stringContaining(`pid ${process.pid}, headless`) });
    lock.release();
    other.tell('acquire', file);
    expect(await other.answer()).toEqual({ ok: true });
    other.tell('release', file);
    expect(await other.answer()).toEqual({ ok: true });
  });

  it('treats an unreadable lock as stale, and then really holds it', async () => {
    const file = path.join(tempDir(), 'agent.lock');
    fs.mkdirSync(`${file}.d`);
    fs.writeFileSync(path.join(`${file}.d`, '3'), 'garbage');
    fs.writeFileSync(file, 'garbage');
    const lock = new InstanceLock(file);
    lock.acquire('headless');
    const other = others[2]!;
    other.tell('acquire', file);
    expect(await other.answer()).toMatchObject({ ok: false, name: 'AgentRunningError', message: expect.stringContaining(`pid ${process.pid}, headless`) });
    lock.release();
  });

  it('gives the lock to exactly one of three processes racing for it, 200 times over (fresh, stale, unreadable, released)', async () => {
    const dead = deadPid();
    const seeds: ((dir: string) => void)[] = [
      () => {},
      (dir) => fs.writeFileSync(path.join(dir, '1'), JSON.stringify({ pid: dead, startedAt: 'x', kind: 'headless' })),
      (dir) => fs.writeFileSync(path.join(dir, '5'), 'garbage'),
      // Released by a process that still runs (this one), as the tray app leaves it after stopping its agent.
      (dir) => fs.writeFileSync(path.join(dir, '2'), JSON.stringify({ pid: process.pid, startedAt: 'x', kind: 'tray', released: true })),
    ];
    for (let i = 0; i < 200; i++) {
      const file = path.join(tempDir(), 'agent.lock');
      fs.mkdirSync(`${file}.d`);
      seeds[i % seeds.length]!(`${file}.d`);
      for (const c of others) c.tell('acquire', file);
      const answers = await Promise.all(others.map((c) => c.answer()));
      const owners = answers.filter((a) => a.ok);
      expect(owners, `round ${i}: ${JSON.stringify(answers)}`).toHaveLength(1);
      for (const a of answers.filter((x) => !x.ok)) expect(a.name, `round ${i}`).toBe('AgentRunningError');
    }
  }, 60_000);

  describe('a PID the system gave to another process after a crash', () => {
    // A live process that is not an agent: the PID a crashed agent left in the lock, now reused.
    let bystander: ReturnType<typeof spawn>;
    beforeAll(() => {
      bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    });
    afterAll(() => bystander.kill());

    function lockNaming(pid: number, processStartMs: number): string {
      const file = path.join(tempDir(), 'agent.lock');
      fs.mkdirSync(`${file}.d`);
      fs.writeFileSync(path.join(`${file}.d`, '4'), JSON.stringify({ pid, startedAt: '2026-11-01T08:00:00.000Z', kind: 'tray', processStartMs }));
      return file;
    }

    function startOf(pid: number): number {
      const r = linuxStartReader().of(pid);
      if (r.kind !== 'started') throw new Error(`cannot read the start of ${pid}: ${r.kind}`);
      return r.atMs;
    }

    it('is stale on Linux: the process behind the PID started later than the holder did', () => {
      const pid = bystander.pid!;
      // The crashed agent started an hour before the process that now has its PID.
      const file = lockNaming(pid, startOf(pid) - 3_600_000);
      const lock = new InstanceLock(file, linuxStartReader());
      lock.acquire('headless');
      const top = JSON.parse(fs.readFileSync(path.join(`${file}.d`, '5'), 'utf8')) as { pid: number; processStartMs: number };
      expect(top.pid).toBe(process.pid);
      // What this process stored is what another reads of it: the check works both ways.
      expect(top.processStartMs).toBe(startOf(process.pid));
      lock.release();
    });

    it('is still honoured when the process behind the PID is the one that took the lock', () => {
      const pid = bystander.pid!;
      const file = lockNaming(pid, startOf(pid));
      expect(() => new InstanceLock(file, linuxStartReader()).acquire('headless')).toThrow(`another Jett agent is running (pid ${pid}, tray`);
    });

    // Windows: PowerShell's answers to process-start.ts's script (exit codes and digits, see its header), replayed.
    const windowsReplay = (answer: { exitCode: number; stdout: string }) => {
      const calls: string[][] = [];
      const reader = windowsStartReader({ SystemRoot: 'C:\\Windows' }, (file, args) => {
        calls.push([file, ...args]);
        return answer;
      });
      return { reader, calls };
    };
    const HOLDER_START = 1_764_403_200_000;

    it.each([
      ['a process started later (PID reused)', { exitCode: 0, stdout: `${HOLDER_START + 86_400_000}\r\n` }],
      ['no process (gone between the two checks)', { exitCode: 3, stdout: '' }],
      ['a process this user may not open (a service or an elevated program)', { exitCode: 4, stdout: '' }],
    ])('is stale on Windows when PowerShell reports %s', (_what, answer) => {
      const { reader, calls } = windowsReplay(answer);
      const lock = new InstanceLock(lockNaming(bystander.pid!, HOLDER_START), reader);
      lock.acquire('headless');
      expect(calls).toEqual([['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '-NoProfile', '-NonInteractive', '-Command', expect.stringContaining(`GetProcessById(${bystander.pid})`)]]);
      lock.release();
    });

    it.each([
      ['the holder\'s own start (within the tolerance of Node\'s clock)', { exitCode: 0, stdout: `${HOLDER_START - 300}\r\n` }],
      ['nothing readable (PowerShell failed to run)', { exitCode: 1, stdout: '' }],
    ])('is honoured on Windows when PowerShell reports %s', (_what, answer) => {
      const { reader } = windowsReplay(answer);
      expect(() => new InstanceLock(lockNaming(bystander.pid!, HOLDER_START), reader).acquire('headless')).toThrow(AgentRunningError);
    });
  });
});
