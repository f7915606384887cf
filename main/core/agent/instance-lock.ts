// One agent per user: a lock in JETT_HOME naming the holder (its PID and when that process started), taken over only
// when that process is gone, such that two agents racing for it (both seeing the same stale holder) can never both
// believe they hold it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { JettError } from '../errors.js';
import { startReaderFor, type ProcessStartReader } from './process-start.js';

export class AgentRunningError extends JettError {}

export interface LockHolder {
  pid: number;
  startedAt: string;
  kind: string;
  /** When the holder's process started (process-start.ts): a later process given the same PID differs here. */
  processStartMs?: number;
  /** Set by release(): the holder may still run (the tray app after it stopped its agent) but holds nothing. */
  released?: boolean;
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
    if (typeof parsed.pid !== 'number') return null;
    return {
      pid: parsed.pid,
      startedAt: String(parsed.startedAt),
      kind: String(parsed.kind),
      ...(typeof parsed.processStartMs === 'number' ? { processStartMs: parsed.processStartMs } : {}),
      ...(parsed.released ? { released: true } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * The lock is a folder of numbered generations, `agent.lock.d/1`, `2`, ...; the highest one names the holder.
 * Taking the lock creates the next number exclusively, with its content complete (written aside, then hard-linked
 * in), so of all the processes that saw the same stale holder exactly one wins, and nobody ever reads a half-written
 * holder and mistakes it for a stale one. Nothing is ever deleted or renamed away to take over (the old design
 * deleted a stale lock file, and a second process could delete the lock the first had just made); the numbers only
 * grow, and the top one stays after release, marked released. A process that acted on an old view (it saw number k,
 * slept, and made k+1 after others reached k+5 and pruned below) sees a higher number after making its own, and
 * withdraws it: only the creator of the highest number holds the lock.
 */
export class InstanceLock {
  private held: number | null = null;
  private readonly dir: string;

  /** `file` is JETT_HOME/agent.lock: the single lock file of earlier versions, which an agent of theirs still honours. */
  constructor(
    private readonly file: string,
    private readonly starts: ProcessStartReader = startReaderFor(),
  ) {
    this.dir = `${file}.d`;
  }

  /**
   * Whether `h` names a process that still runs: its PID is alive and, where the holder recorded when it started,
   * the process now behind that PID started then. A holder from an earlier version has its PID only; a start that
   * cannot be read at all keeps the PID's answer (never two agents over a tool that failed to run).
   */
  private runs(h: LockHolder): boolean {
    if (!alive(h.pid)) return false;
    if (h.processStartMs === undefined) return true;
    const now = this.starts.of(h.pid);
    if (now.kind === 'gone' || now.kind === 'other') return false;
    if (now.kind === 'unknown') return true;
    return Math.abs(now.atMs - h.processStartMs) <= this.starts.toleranceMs;
  }

  /** Takes the lock or throws AgentRunningError naming the process that holds it. */
  acquire(kind: string, now: Date = new Date()): void {
    const processStartMs = this.starts.self();
    const me: LockHolder = { pid: process.pid, startedAt: now.toISOString(), kind, ...(processStartMs === null ? {} : { processStartMs }) };
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 20; attempt++) {
      const legacy = readHolder(this.file);
      if (legacy && legacy.pid !== process.pid && this.runs(legacy)) throw running(legacy);
      const top = this.top();
      const h = top?.holder;
      // An unreadable holder cannot be a half-written one (holders appear complete), so it is stale like a dead one.
      if (h && !h.released && h.pid !== process.pid && this.runs(h)) throw running(h);
      const gen = (top?.gen ?? 0) + 1;
      if (!this.createExclusive(gen, me)) continue;
      if (this.top()?.gen !== gen) {
        fs.rmSync(this.genFile(gen), { force: true });
        continue;
      }
      this.held = gen;
      this.pruneBelow(gen);
      return;
    }
    throw new AgentRunningError(`could not take the agent lock ${this.dir}`, 'another agent is starting at the same moment; try again');
  }

  release(): void {
    if (this.held === null) return;
    const file = this.genFile(this.held);
    const holder = readHolder(file);
    this.held = null;
    if (holder?.pid !== process.pid || holder.released) return;
    try {
      this.writeAside({ ...holder, released: true }, (tmp) => fs.renameSync(tmp, file));
    } catch {
      // Stopping must not fail over this (Windows refuses a rename over a file another process is reading): the lock
      // then stays with this process until it exits, which this process may still take again, and nobody else.
    }
  }

  private genFile(gen: number): string {
    return path.join(this.dir, String(gen));
  }

  private generations(): number[] {
    return fs
      .readdirSync(this.dir)
      .filter((n) => /^[1-9][0-9]{0,15}$/.test(n))
      .map(Number)
      .sort((a, b) => b - a);
  }

  private top(): { gen: number; holder: LockHolder | null } | null {
    const [gen] = this.generations();
    return gen === undefined ? null : { gen, holder: readHolder(this.genFile(gen)) };
  }

  /** Writes `holder` to a fresh file beside the lock, lets `place` put it where it belongs, and cleans up. */
  private writeAside<T>(holder: LockHolder, place: (tmp: string) => T): T {
    const tmp = path.join(this.dir, `.${process.pid}-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(tmp, JSON.stringify(holder), { mode: 0o600, flag: 'wx' });
    try {
      return place(tmp);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** True when this call made generation `gen`; false when another process made it first. */
  private createExclusive(gen: number, holder: LockHolder): boolean {
    return this.writeAside(holder, (tmp) => {
      try {
        fs.linkSync(tmp, this.genFile(gen));
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
    });
  }

  private pruneBelow(gen: number): void {
    for (const g of this.generations()) if (g < gen) fs.rmSync(this.genFile(g), { force: true });
  }
}

function running(h: LockHolder): AgentRunningError {
  return new AgentRunningError(`another Jett agent is running (pid ${h.pid}, ${h.kind}, since ${h.startedAt})`, 'use that one (`jett` commands reach it), or stop it first');
}
