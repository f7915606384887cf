// The active health probe: one ping of the peer's tunnel address, whose answer also makes the rx counter move.
// Windows' ping.exe prints in the display language and exits 0 for "destination host unreachable" too, so its
// answer is read by a language-independent rule: an echo reply over IPv4 is the one line that carries `TTL=`.
import type { ProcessRunner } from './runner.js';

export interface ProbeResult {
  ok: boolean;
  /** Round-trip time of the answer; null when none came, or when an answer's time could not be read. */
  rttMs: number | null;
  /** Why it failed, in a few words (for the state's reason). */
  error: string | null;
}

export type Probe = () => Promise<ProbeResult>;

export interface PingProbeOptions {
  runner: ProcessRunner;
  /** Resolved path of ping (ping.exe on Windows). */
  ping: string;
  /** The peer's IPv4 tunnel address (the config schema allows IPv4 only: Windows' IPv6 replies carry no TTL). */
  address: string;
  timeoutS?: number;
  platform?: NodeJS.Platform;
}

/**
 * The reply line of Windows' ping.exe, in any display language: an IPv4 echo reply is the only line with `TTL=`
 * ("TTL expired in transit" has no `=`), and it names the address that answered, which must be the one pinged.
 */
function windowsReplyLine(output: string, address?: string): string | null {
  const from = address === undefined ? null : new RegExp(`(?<![\\d.])${address.replace(/\./g, '\\.')}(?![\\d])`);
  return output.split(/\r?\n/).find((l) => /\bTTL=\d/i.test(l) && (from === null || from.test(l))) ?? null;
}

/**
 * The round-trip time of an answer. Linux: "time=0.355 ms". Windows, in any language: a reply line holds three
 * values after `=` or `<`: bytes, time, TTL ("Bytes=32 Zeit=12ms TTL=64", "octets=32 temps=6 ms TTL=58",
 * "バイト数 =32 時間 =7ms TTL=55", "число байт=32 время=37мс TTL=55", "time<1ms"). Words and units are translated;
 * that order is not, so the time is the middle one. "<1" reads as half a millisecond. Null when not found.
 */
export function parsePingRtt(output: string, platform: NodeJS.Platform): number | null {
  let m: RegExpExecArray | RegExpMatchArray | null;
  if (platform === 'win32') {
    const values = [...(windowsReplyLine(output) ?? '').matchAll(/([=<])\s*(\d+(?:[.,]\d+)?)/g)];
    m = values.length === 3 ? values[1]! : null;
  } else {
    m = /time\s*([=<])\s*([\d.]+)\s*ms/i.exec(output);
  }
  if (!m) return null;
  const value = Number(m[2]!.replace(',', '.'));
  return Number.isFinite(value) ? (m[1] === '<' ? value / 2 : value) : null;
}

/**
 * Whether ping got an answer. Linux: exit status 0 (iputils exits 0 only when a reply came). Windows: exit status
 * 0 and a reply line, since ping.exe also exits 0 when a router answered "destination host unreachable".
 */
export function pingAnswered(platform: NodeJS.Platform, exitCode: number, output: string, address: string): boolean {
  if (exitCode !== 0) return false;
  return platform === 'win32' ? windowsReplyLine(output, address) !== null : true;
}

export function pingProbe(opts: PingProbeOptions): Probe {
  const timeoutS = opts.timeoutS ?? 1;
  const platform = opts.platform ?? process.platform;
  const args = platform === 'win32'
    ? ['-n', '1', '-w', String(Math.round(timeoutS * 1000)), opts.address]
    : ['-n', '-c', '1', '-W', String(timeoutS), opts.address];
  return async () => {
    const r = await opts.runner.run(opts.ping, args, { timeoutMs: (timeoutS + 5) * 1000 });
    if (pingAnswered(platform, r.exitCode, r.stdout, opts.address)) return { ok: true, rttMs: parsePingRtt(r.stdout, platform), error: null };
    return { ok: false, rttMs: null, error: r.exitCode === 1 || r.exitCode === 0 ? `no answer from ${opts.address} within ${timeoutS} s` : `ping failed (exit ${r.exitCode})` };
  };
}
