// The active health probe: one ping of the peer's tunnel address, whose answer also makes the rx counter move.
import type { ProcessRunner } from './runner.js';

export interface ProbeResult {
  ok: boolean;
  /** Round-trip time of the answer; null when none came. */
  rttMs: number | null;
  /** Why it failed, in a few words (for the state's reason). */
  error: string | null;
}

export type Probe = () => Promise<ProbeResult>;

export interface PingProbeOptions {
  runner: ProcessRunner;
  /** Resolved path of ping (ping.exe on Windows). */
  ping: string;
  address: string;
  timeoutS?: number;
  platform?: NodeJS.Platform;
}

/** Reads "time=0.355 ms" (Linux) or "time<1ms" / "time=12ms" (Windows) from ping's output. */
export function parsePingRtt(output: string): number | null {
  const m = /time\s*([=<])\s*([\d.]+)\s*ms/i.exec(output);
  if (!m) return null;
  const value = Number(m[2]);
  return Number.isFinite(value) ? (m[1] === '<' ? value / 2 : value) : null;
}

export function pingProbe(opts: PingProbeOptions): Probe {
  const timeoutS = opts.timeoutS ?? 1;
  const win = (opts.platform ?? process.platform) === 'win32';
  const args = win
    ? ['-n', '1', '-w', String(Math.round(timeoutS * 1000)), opts.address]
    : ['-n', '-c', '1', '-W', String(timeoutS), opts.address];
  return async () => {
    const r = await opts.runner.run(opts.ping, args, { timeoutMs: (timeoutS + 5) * 1000 });
    const rtt = parsePingRtt(r.stdout);
    if (r.exitCode === 0 && rtt !== null) return { ok: true, rttMs: rtt, error: null };
    return { ok: false, rttMs: null, error: r.exitCode === 1 || r.exitCode === 0 ? `no answer from ${opts.address} within ${timeoutS} s` : `ping failed (exit ${r.exitCode})` };
  };
}
