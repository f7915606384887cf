// When a process started: what the instance lock stores beside a PID, because PIDs are reused (on Windows within
// minutes) and a lock naming a crashed agent's PID must not look held by whatever process got that PID next.
import fs from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';

/** `started`: the process runs and began at atMs; `gone`: none runs; `other`: it runs, but is none of this user's. */
export type StartReading = { kind: 'started'; atMs: number } | { kind: 'gone' } | { kind: 'other' } | { kind: 'unknown' };

export interface ProcessStartReader {
  /** This process's start, as of() will read it from another process; null where it cannot be known. */
  self(): number | null;
  of(pid: number): StartReading;
  /** How far self() and of() may differ for the same process (they come from different clocks on Windows). */
  toleranceMs: number;
}

/**
 * Linux: field 22 of /proc/PID/stat (starttime, clock ticks after boot, see proc(5)) plus the boot time (btime in
 * /proc/stat). USER_HZ is 100 on every architecture Jett runs on; self() reads the same files, so equal starts are
 * equal numbers whatever the unit.
 */
export function linuxStartReader(readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8')): ProcessStartReader {
  const of = (pid: number): StartReading => {
    let stat: string;
    let procStat: string;
    try {
      stat = readFile(`/proc/${pid}/stat`);
      procStat = readFile('/proc/stat');
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'gone' } : { kind: 'unknown' };
    }
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const btime = Number(/^btime (\d+)$/m.exec(procStat)?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(btime) ? { kind: 'started', atMs: btime * 1000 + ticks * 10 } : { kind: 'unknown' };
  };
  return {
    of,
    self: () => {
      const r = of(process.pid);
      return r.kind === 'started' ? r.atMs : null;
    },
    toleranceMs: 0,
  };
}

/** What the Windows reader needs of a process runner: a synchronous run (the lock is taken synchronously). */
export type SyncRun = (file: string, args: string[]) => { exitCode: number | undefined; stdout: string };

/**
 * The PowerShell that reads a process's start on Windows, answering by exit code and digits only (no translated
 * text): [System.Diagnostics.Process]::GetProcessById throws when no process has the id, and StartTime throws
 * (Win32Exception, access denied) for a process of another user or an elevated one; see the .NET pages
 * learn.microsoft.com/dotnet/api/system.diagnostics.process.getprocessbyid and .../process.starttime.
 * Exit 0 prints the start as Unix milliseconds (DateTimeOffset.ToUnixTimeMilliseconds), 3: gone, 4: not ours.
 */
export function windowsStartScript(pid: number): string {
  return [
    `try { $p = [System.Diagnostics.Process]::GetProcessById(${Math.trunc(pid)}) } catch { exit 3 }`,
    'try { [DateTimeOffset]::new($p.StartTime).ToUnixTimeMilliseconds() } catch { exit 4 }',
  ].join('; ');
}

export function parseWindowsStart(r: { exitCode: number | undefined; stdout: string }): StartReading {
  if (r.exitCode === 3) return { kind: 'gone' };
  if (r.exitCode === 4) return { kind: 'other' };
  const ms = r.exitCode === 0 ? /^\s*(\d{10,16})\s*$/.exec(r.stdout)?.[1] : undefined;
  return ms ? { kind: 'started', atMs: Number(ms) } : { kind: 'unknown' };
}

/**
 * Windows: Node cannot read another process's creation time, so PowerShell does, only when a lock names a live
 * PID. self() is Node's performance.timeOrigin, taken as the process starts: a few hundred ms after the creation
 * time Windows records, so the two may differ by up to toleranceMs.
 */
export function windowsStartReader(env: NodeJS.ProcessEnv = process.env, run: SyncRun = defaultSyncRun): ProcessStartReader {
  const powershell = path.win32.join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
  return {
    self: () => Math.round(performance.timeOrigin),
    of: (pid) => parseWindowsStart(run(powershell, ['-NoProfile', '-NonInteractive', '-Command', windowsStartScript(pid)])),
    toleranceMs: 5000,
  };
}

function defaultSyncRun(file: string, args: string[]): { exitCode: number | undefined; stdout: string } {
  const r = execaSync(file, args, { reject: false, timeout: 15_000, windowsHide: true });
  return { exitCode: r.exitCode, stdout: typeof r.stdout === 'string' ? r.stdout : '' };
}

/** No reader (macOS, others): the lock falls back to the PID alone. */
const pidOnly: ProcessStartReader = { self: () => null, of: () => ({ kind: 'unknown' }), toleranceMs: 0 };

export function startReaderFor(platform: NodeJS.Platform = process.platform): ProcessStartReader {
  if (platform === 'linux') return linuxStartReader();
  if (platform === 'win32') return windowsStartReader();
  return pidOnly;
}
