// `npm run bench:tunnel -- --json`: tunnel health on a real WireGuard pair (wireguard-go in two namespaces, as root).
// Idle for >= 200 s with keepalive 25 (past a rekey) counting false alarms, then cut the link for >= 60 s and
// restore it: how long until the monitor leaves Up, and how long until it is Up again. Goals are absolute
// (no bare baseline exists): false_transitions = 0, detect_s <= 10, recover_s <= 10.
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TunnelBenchResultSchema, type TunnelBenchResult } from '../../main/harness/bench/results.js';
import type { TunnelState } from '../../main/core/contracts/status.js';
import { EventBus } from '../../main/core/events/bus.js';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { createTunnelControl } from '../../main/core/tunnel/control.js';
import { DEFAULT_MONITOR_OPTIONS, TunnelMonitor } from '../../main/core/tunnel/health.js';
import { pingProbe, type Probe } from '../../main/core/tunnel/probe.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type CutMode } from '../helpers/netns.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const json = process.argv.includes('--json');
const idleS = Number(arg('idle-s', '210'));
const cutS = Number(arg('cut-s', '65'));
const cutMode = arg('cut-mode', 'drop') as CutMode;
const keepalive = 25;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (process.getuid?.() !== 0) {
  process.stderr.write('bench:tunnel needs root (network namespaces and wireguard-go)\n');
  process.exit(1);
}

const pair = await createNetnsPair();
const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-bench-tunnel-'));
let exitCode = 0;
try {
  const vps = await startVpsTunnel(pair, { keepalive });
  const control = createTunnelControl({ iface: vps.desktopIface, runner: pair.runner('desktop'), privateDir, mode: 'direct', platform: 'linux' });
  await control.up(vps.desktopConfigText);
  say(`namespaces ${pair.ns.desktop} <-> ${pair.ns.vps}, desktop ${vps.desktopIface} up, keepalive ${keepalive} s`);

  const rtts: number[] = [];
  const ping = pingProbe({ runner: pair.runner('desktop'), ping: resolveBinary('ping')!, address: TUNNEL.vps });
  const probe: Probe = async () => {
    const r = await ping();
    if (r.ok && r.rttMs !== null && !pair.isCut) rtts.push(r.rttMs);
    return r;
  };
  const bus = new EventBus();
  const transitions: { to: TunnelState; at: number; reason: string }[] = [];
  bus.on('tunnel.state', (e) => {
    transitions.push({ to: e.to, at: performance.now(), reason: e.reason });
    say(`  ${e.from} -> ${e.to}: ${e.reason}`);
  });
  const monitor = new TunnelMonitor({
    iface: vps.desktopIface,
    status: () => control.show(),
    probe,
    bus,
    repairs: {
      reresolve: () => control.setEndpoint(vps.vpsKeys.publicKey, vps.desktopInput.endpoint),
      restart: async () => {
        await control.down();
        await control.up(vps.desktopConfigText);
      },
    },
  });
  const waitFor = async (pred: () => boolean, limitMs: number): Promise<number | null> => {
    const start = performance.now();
    while (!pred()) {
      if (performance.now() - start > limitMs) return null;
      await sleep(50);
    }
    return performance.now();
  };

  monitor.start();
  if ((await waitFor(() => monitor.snapshot().state === 'up', 30_000)) === null) throw new Error('the tunnel never came up');

  say(`idle for ${idleS} s (poll ${DEFAULT_MONITOR_OPTIONS.pollMs / 1000} s)...`);
  const idleStart = performance.now();
  const idleFrom = transitions.length;
  let maxHandshakeAge = 0;
  while (performance.now() - idleStart < idleS * 1000) {
    await sleep(1000);
    maxHandshakeAge = Math.max(maxHandshakeAge, monitor.snapshot().handshakeAgeS ?? 0);
    const elapsed = Math.round((performance.now() - idleStart) / 1000);
    if (elapsed % 30 === 0) say(`  ${elapsed} s: ${monitor.snapshot().state}, handshake ${monitor.snapshot().handshakeAgeS} s ago, rx ${monitor.snapshot().rxBytes}`);
  }
  const falseTransitions = transitions.slice(idleFrom).filter((t) => t.to !== 'up').length;
  const idleSeconds = (performance.now() - idleStart) / 1000;

  say(`cutting the link (${cutMode}) for ${cutS} s...`);
  const cutFrom = transitions.length;
  await pair.cut(cutMode);
  const cutAt = performance.now();
  const leftUp = await waitFor(() => transitions.slice(cutFrom).some((t) => t.to !== 'up'), cutS * 1000);
  const detectS = leftUp === null ? null : (transitions.slice(cutFrom).find((t) => t.to !== 'up')!.at - cutAt) / 1000;
  await sleep(Math.max(0, cutS * 1000 - (performance.now() - cutAt)));
  const worst = transitions.slice(cutFrom).map((t) => t.to);
  say(`restoring the link (states during the cut: ${worst.join(', ') || 'none'})`);
  const restoreFrom = transitions.length;
  await pair.restore();
  const restoredAt = performance.now();
  const actualCutS = (restoredAt - cutAt) / 1000;
  const backUp = await waitFor(() => transitions.slice(restoreFrom).some((t) => t.to === 'up'), 120_000);
  const recoverS = backUp === null ? null : (transitions.slice(restoreFrom).find((t) => t.to === 'up')!.at - restoredAt) / 1000;
  await monitor.stop();
  await control.down();

  const sorted = [...rtts].sort((a, b) => a - b);
  const round = (n: number | null, d = 2) => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);
  const result: TunnelBenchResult = {
    poll_s: DEFAULT_MONITOR_OPTIONS.pollMs / 1000,
    keepalive_s: keepalive,
    idle_s: round(idleSeconds, 1)!,
    false_transitions: falseTransitions,
    probe_rtt_ms_p50: round(sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null, 3),
    cut_s: round(actualCutS, 1)!,
    detect_s: round(detectS),
    recover_s: round(recoverS),
    cut_mode: cutMode,
    handshake_age_max_s: maxHandshakeAge,
    states_during_cut: [...new Set(worst)],
    goals_met: falseTransitions === 0 && detectS !== null && detectS <= 10 && recoverS !== null && recoverS <= 10,
  };
  TunnelBenchResultSchema.parse(result);
  say(`false transitions ${falseTransitions} (goal 0), detect ${result.detect_s} s (goal <= 10), recover ${result.recover_s} s (goal <= 10): ${result.goals_met ? 'goals met' : 'GOALS MISSED'}`);
  if (!result.goals_met) exitCode = 1;
  if (json) say(JSON.stringify(result));
} finally {
  await pair.destroy();
  fs.rmSync(privateDir, { recursive: true, force: true });
}
process.exitCode = exitCode;
