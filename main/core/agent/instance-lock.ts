// One agent per user: a lock file in JETT_HOME naming the holder, taken over only when its process is gone.
import fs from 'node:fs';
import { JettError } from '../errors.js';

export class AgentRunningError extends JettError {}

export interface LockHolder {
  pid: number;
  startedAt: string;
  kind: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, startedAt: String(parsed.startedAt), kind: String(parsed.kind) } : null;
  } catch {
    return null;
  }
}

export class InstanceLock {
  private held = false;

  constructor(private readonly file: string) {}

  /** Takes the lock or throws AgentRunningError naming the process that holds it. */
  acquire(kind: string, now: Date = new Date()): void {
    const me: LockHolder = { pid: process.pid, startedAt: now.toISOString(), kind };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(this.file, 'wx', 0o600);
        fs.writeFileSync(fd, JSON.stringify(me));
        fs.closeSync(fd);
        this.held = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(this.file);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) {
        throw new AgentRunningError(
          `another Jett agent is running (pid ${holder.pid}, ${holder.kind}, since ${holder.startedAt})`,
          'use that one (`jett` commands reach it), or stop it first',
        );
      }
      // The holder died without cleaning up (a crash or power cut): the lock is stale.
      fs.rmSync(this.file, { force: true });
    }
    throw new AgentRunningError(`could not take the agent lock ${this.file}`, 'another agent is starting at the same moment; try again');
  }

  release(): void {
    if (!this.held) return;
    const holder = readHolder(this.file);
    if (holder?.pid === process.pid) fs.rmSync(this.file, { force: true });
    this.held = false;
  }
}
