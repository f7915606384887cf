// The idle part of `npm run bench:agent -- --json` (issue 15): what an always-on `jett agent` costs while nothing
// happens. A real world: a desktop and a VPS namespace, WireGuard in both, PostgreSQL and the heartbeat webhook on
// the VPS's tunnel address; on the desktop a throwaway unprivileged user for whom root ran `jett tunnel install`, and
// who runs the built `jett agent` (voice off), which brings the tunnel up through `sudo -n` and the helper, with the
// probe, heartbeat and sync poll at their defaults. Memory and CPU are summed over the agent's process tree (sudo,
// the helper, wg, ping and ip included: their CPU reaches the agent's counters when they are reaped). Then the same
// agent with voice on and the stand-in speech models gives voice_rss_mb (no goal: real weights are not at hand).
// Goals: idle_rss_mb <= 110, idle_cpu_pct <= 0.3 (percent of one core). Alone: `tsx test/bench/agent-idle.ts --json`.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { jettPaths } from '../../main/core/config/paths.js';
import { ConfigStore } from '../../main/core/config/store.js';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { FileSecretStore } from '../../main/core/secrets/file-store.js';
import { jettInNamespace, type JettChild } from '../../main/harness/demo/processes.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair } from '../../main/harness/netns/pair.js';
import { startPgCluster, type PgCluster } from '../../main/harness/postgres/cluster.js';
import { provisionJettDatabase } from '../../main/harness/postgres/provision.js';
import { AgentIdleResultSchema } from '../../main/harness/bench/results.js';
import { ensureCli, REPO_ROOT } from '../helpers/built-cli.js';

export const AgentIdleSchema = AgentIdleResultSchema;
export type AgentIdle = z.infer<typeof AgentIdleSchema>;

export const AGENT_IDLE_GOALS = { idle_rss_mb: 110, idle_cpu_pct: 0.3 } as const;

export interface AgentIdleOptions {
  /** Seconds the idle agent is measured (after it has settled); the goal runs use 600. */
  idleS?: number;
  say?: (line: string) => void;
}

const HELPER = '/usr/local/libexec/jett-tunnel';
const RECEIVER_PORT = 5678;
const STAND_INS = path.join(REPO_ROOT, 'test', 'integration', 'models', 'fixtures');
const NEEDS = ['sudo', 'runuser', 'useradd', 'userdel', 'unshare', 'ip', 'wg', 'wg-quick', 'wireguard-go', 'ping', 'bash'];
const CLK_TCK = 100;
const PAGE = 4096;
/** Seconds the agent runs before the measurement: the tunnel up, the first heartbeat sent, the first sync done. */
const SETTLE_S = 15;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Inside `ip netns exec DESKTOP unshare --mount`: /usr/local, /etc/sudoers.d and /etc/wireguard are private copies,
 * so the install touches nothing of the host. Root installs the helper for the user; the user runs the agent with
 * an empty environment, as a login session would start it.
 */
const DESKTOP = String.raw`
set -euo pipefail
mount -t tmpfs -o mode=0755 tmpfs "$SCRATCH"
mkdir "$SCRATCH/upper" "$SCRATCH/work"
mount -t overlay overlay -o "lowerdir=/usr/local,upperdir=$SCRATCH/upper,workdir=$SCRATCH/work" /usr/local
mount -t tmpfs -o mode=0755 tmpfs /etc/sudoers.d
mount -t tmpfs -o mode=0700 tmpfs /etc/wireguard
if [ -d /run/sudo ]; then mount -t tmpfs -o mode=0711 tmpfs /run/sudo; fi
JETT_HOME="$JHOME" "$NODE" "$JETT" tunnel install --user "$U" >&2
chown -R "$U:$U" "$JHOME"
exec runuser -u "$U" -- /usr/bin/env -i PATH=/usr/bin:/bin HOME="$JHOME" JETT_HOME="$JHOME" "$NODE" "$JETT" agent
`;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
  rssBytes: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    // After "pid (comm) ": state ppid ... utime(14) stime(15) cutime(16) cstime(17) ... rss(24), 1-based in proc(5).
    return { pid, ppid: Number(f[1]), comm: text.slice(text.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]), rssBytes: Number(f[21]) * PAGE };
  } catch {
    return null;
  }
}

/** Every live process whose ancestors include `root` (and root itself). */
function tree(root: number): ProcStat[] {
  const all = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map((n) => readStat(Number(n))).filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const top = all.find((s) => s.pid === root);
  if (!top) return [];
  const out = [top];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!.pid) ?? []));
  return out;
}

/** The agent's own node process under the launcher (ip netns exec, unshare, runuser). */
function agentPid(launcher: number): number | null {
  return tree(launcher).find((s) => s.comm === 'node' && fs.readFileSync(`/proc/${s.pid}/cmdline`, 'utf8').includes('\0agent'))?.pid ?? null;
}

interface Sampled {
  rssMb: number[];
  cpuPct: number;
  children: Set<string>;
}

/** Samples the tree's summed RSS every `everyMs` for `seconds`; CPU from the tree's tick counters at both ends. */
async function sampleTree(pid: number, seconds: number, everyMs = 500): Promise<Sampled> {
  const ticks = () => tree(pid).reduce((sum, s) => sum + s.ticks, 0);
  const startTicks = ticks();
  const start = performance.now();
  const rssMb: number[] = [];
  const children = new Set<string>();
  while (performance.now() - start < seconds * 1000) {
    const t = tree(pid);
    if (t.length === 0) throw new Error('the agent exited during the measurement');
    for (const s of t.slice(1)) children.add(s.comm);
    rssMb.push(t.reduce((sum, s) => sum + s.rssBytes, 0) / 1024 / 1024);
    await sleep(everyMs);
  }
  const wallS = (performance.now() - start) / 1000;
  return { rssMb, cpuPct: ((ticks() - startTicks) / CLK_TCK / wallS) * 100, children };
}

interface DesktopRun {
  child: ChildProcess;
  out: string[];
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function startDesktop(pair: NetnsPair, user: string, home: string): DesktopRun {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-bench-idle-scratch-'));
  const child = spawn(resolveBinary('ip')!, ['netns', 'exec', pair.ns.desktop, resolveBinary('unshare')!, '--mount', '--propagation', 'private', resolveBinary('bash')!, '-c', DESKTOP], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', U: user, JHOME: home, NODE: process.execPath, JETT: path.join(REPO_ROOT, 'bin', 'jett.mjs'), SCRATCH: scratch },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const keep = (d: Buffer) => {
    out.push(...d.toString().split('\n').filter(Boolean));
    if (out.length > 200) out.splice(0, out.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  return {
    child,
    out,
    exited,
    async stop() {
      const pid = agentPid(child.pid!);
      if (pid) process.kill(pid, 'SIGTERM');
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

async function waitFor(what: string, run: DesktopRun, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`${what}: ${run.child.exitCode !== null ? 'the agent exited' : 'timed out'}\n${run.out.slice(-20).join('\n')}`);
    await sleep(200);
  }
}

export async function measureAgentIdle(opts: AgentIdleOptions = {}): Promise<AgentIdle & { idle_rss_peak_mb: number; voice_extra_mb: number; children: string[] }> {
  const idleS = opts.idleS ?? 600;
  const say = opts.say ?? (() => undefined);
  if (process.platform !== 'linux' || process.getuid?.() !== 0) throw new Error('the idle benchmark builds network namespaces and a throwaway user: run it as root on Linux');
  const missing = NEEDS.filter((b) => !resolveBinary(b));
  if (missing.length) throw new Error(`the idle benchmark needs ${missing.join(', ')}: run \`npm run setup:linux\``);
  if (fs.existsSync(HELPER)) throw new Error(`${HELPER} exists on this machine: the benchmark installs its own in a private mount, remove that one first`);
  await ensureCli();

  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  try {
    const pair = await createNetnsPair({ prefix: 'ji' });
    cleanups.push(() => pair.destroy());
    const vps = await startVpsTunnel(pair, { keepalive: 25 });
    const cluster: PgCluster = await startPgCluster({ netns: pair.ns.vps, host: TUNNEL.vps, allowFrom: [`${TUNNEL.desktop}/32`, `${TUNNEL.vps}/32`] });
    cleanups.push(() => cluster.stop());
    const roles = await provisionJettDatabase(cluster);
    const token = randomBytes(18).toString('base64url');
    // Beats the VPS recorded: a measurement in which none arrived measured a broken world, not an idle agent.
    let beatsRecorded = 0;
    const receiver: JettChild = jettInNamespace(pair.ns.vps, ['demo-receiver'], {
      // The offline detector at a VPS's schedule (every minute), as n8n's workflow runs it.
      JETT_DEMO_RECEIVER: JSON.stringify({ host: TUNNEL.vps, port: RECEIVER_PORT, token, detectorEveryMs: 60_000, db: { host: TUNNEL.vps, port: cluster.port, user: roles.n8n.user, password: roles.n8n.password, database: roles.n8n.database } }),
    }, (line) => {
      if (line.type === 'heartbeat') beatsRecorded += 1;
    });
    cleanups.push(() => receiver.stop());
    say(`world: namespaces ${pair.ns.desktop}/${pair.ns.vps}, WireGuard ${vps.desktopIface}, PostgreSQL ${TUNNEL.vps}:${cluster.port}, webhook :${RECEIVER_PORT}`);

    const user = `ji-${randomBytes(3).toString('hex')}`;
    execFileSync(resolveBinary('useradd')!, ['--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    cleanups.push(() => spawnSync(resolveBinary('userdel')!, ['--force', user]));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-bench-idle-'));
    cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const paths = jettPaths(home);
    const config = new ConfigStore(paths.config);
    // Only what the VPS bundle and `jett tunnel peer` set: every poll, probe and beat runs at its default.
    for (const [k, v] of [
      ['tunnel.interface', vps.desktopIface],
      ['tunnel.address', `${TUNNEL.desktop}/${TUNNEL.prefix}`],
      ['tunnel.peerAddress', TUNNEL.vps],
      ['tunnel.endpoint', `${pair.underlay.vps}:${TUNNEL.port}`],
      ['tunnel.peerPublicKey', vps.vpsKeys.publicKey],
      ['postgres.host', TUNNEL.vps],
      ['postgres.port', String(cluster.port)],
      ['heartbeat.url', `http://${TUNNEL.vps}:${RECEIVER_PORT}/webhook/heartbeat`],
      ['voice.enabled', 'false'],
    ] as const) config.set(k, v);
    const secrets = new FileSecretStore(paths.secrets);
    await secrets.set('tunnel.privateKey', vps.desktopKeys.privateKey);
    await secrets.set('postgres.password', roles.desktop.password);
    await secrets.set('heartbeat.token', token);
    fs.chmodSync(home, 0o700);

    const run = async (label: string, seconds: number) => {
      const desktop = startDesktop(pair, user, home);
      try {
        // Brought up by this agent (first run), or found up (the second): either way its status line says so.
        await waitFor(`${label}: the tunnel to be up`, desktop, () => desktop.out.some((l) => /^tunnel \w+ -> up|\| tunnel up /.test(l)));
        say(`${label}: agent up as ${user} through ${HELPER}; settling ${SETTLE_S} s, then measuring ${seconds} s`);
        await sleep(SETTLE_S * 1000);
        const pid = agentPid(desktop.child.pid!);
        if (!pid) throw new Error(`${label}: the agent's process was not found\n${desktop.out.join('\n')}`);
        const beatsBefore = beatsRecorded;
        const sampled = await sampleTree(pid, seconds);
        // The first beat goes out once the tunnel is up, then one per heartbeat.intervalS (60 s): a window that long
        // must see one.
        if (beatsRecorded === 0 || (seconds >= 60 && beatsRecorded === beatsBefore)) throw new Error(`${label}: the VPS recorded no heartbeat during the measurement; the world is broken\n${desktop.out.slice(-20).join('\n')}`);
        say(`${label}: ${beatsRecorded - beatsBefore} heartbeats recorded by the VPS during the measurement`);
        say(`${label}: rss median ${round(median(sampled.rssMb), 1)} MB (peak ${round(Math.max(...sampled.rssMb), 1)}), cpu ${round(sampled.cpuPct, 3)} %, children seen: ${[...sampled.children].join(', ') || 'none'}`);
        say(`${label}: last status: ${desktop.out.filter((l) => l.startsWith('jett ')).at(-1) ?? '-'}`);
        return sampled;
      } finally {
        await desktop.stop();
      }
    };

    const idle = await run('voice off', idleS);

    const models = path.join(home, 'models');
    fs.cpSync(path.join(STAND_INS, 'whisper-mini'), path.join(models, 'whisper-base'), { recursive: true });
    fs.cpSync(path.join(STAND_INS, 'kokoro-mini'), path.join(models, 'kokoro-82m'), { recursive: true });
    config.set('voice.enabled', 'true');
    config.set('models.dir', models);
    config.set('models.executionProvider', 'cpu');
    const voice = await run('voice on (stand-in models)', Math.min(idleS, 30));

    return {
      ...AgentIdleSchema.parse({ idle_rss_mb: round(median(idle.rssMb), 1), idle_cpu_pct: round(idle.cpuPct, 3), voice_rss_mb: round(median(voice.rssMb), 1) }),
      idle_rss_peak_mb: round(Math.max(...idle.rssMb), 1),
      voice_extra_mb: round(median(voice.rssMb) - median(idle.rssMb), 1),
      children: [...idle.children],
    };
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, 'idle-s': { type: 'string', default: '600' } } });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const result = await measureAgentIdle({ idleS: Number(values['idle-s']), say });
  const missed = (Object.keys(AGENT_IDLE_GOALS) as (keyof typeof AGENT_IDLE_GOALS)[]).filter((k) => result[k] > AGENT_IDLE_GOALS[k]);
  say(`goals idle_rss_mb <= 110, idle_cpu_pct <= 0.3: ${missed.length ? `MISSED ${missed.join(', ')}` : 'met'}`);
  const out = AgentIdleSchema.parse(result);
  say(values.json ? JSON.stringify(out) : JSON.stringify(result, null, 2));
  process.exitCode = missed.length ? 1 : 0;
}
