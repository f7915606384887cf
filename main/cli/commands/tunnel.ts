// `jett tunnel peer|import|config|up|down|status|watch|install|uninstall`: the WireGuard link to the VPS, from the command line.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../core/contracts/config.js';
import { StatusSnapshotSchema } from '../../core/contracts/status.js';
import type { TunnelImportResult, TunnelPeerResult, TunnelStatus } from '../../core/contracts/tunnel.js';
import { errorMessage } from '../../core/contracts/errors.js';
import { UsageError } from '../../core/errors.js';
import { EventBus } from '../../core/events/bus.js';
import { handoffStore, renderHandoff } from '../../core/secrets/handoff.js';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import { renderVpsPeerBlock, renderVpsWg0Conf, vpsAddressOf } from '../../core/tunnel/config.js';
import { importConf, readConfFile } from '../../core/tunnel/conf-import.js';
import type { TunnelControl } from '../../core/tunnel/control.js';
import { resolveWindowsPrivileged } from '../../core/process/privileged-windows.js';
import { setVpsPeer, vpsPeerInput } from '../../core/tunnel/desktop-keys.js';
import { runElevatedInstall } from '../../core/tunnel/elevation.js';
import type { TunnelMonitor } from '../../core/tunnel/health.js';
import { applyInstallPlan, installReport, planTunnelInstall } from '../../core/tunnel/install-plan.js';
import { removeLinuxInstall } from '../../core/tunnel/install.js';
import { applyWindowsUninstall, windowsAccountName, windowsUninstallPlan } from '../../core/tunnel/install-windows.js';
import { fingerprint } from '../../core/tunnel/keys.js';
import { execaRunner } from '../../core/tunnel/runner.js';
import { controlFor, loadDesktopConfig, monitorFor } from '../../core/tunnel/setup.js';
import { parseEndpoint } from '../../core/tunnel/wg-config.js';
import { settingsSaved, viaAgent } from '../agent-link.js';
import { recordInstalledTunnel } from '../../core/tunnel/installed-setup.js';
import { stopSignal } from '../stop-signal.js';
import { readAllStdin, type CliContext } from '../context.js';

const SIGN_IN_AGAIN = 'sign out of Windows and in again before the first `jett tunnel up` (a new group membership starts with a new sign-in)';

// What stdout shows instead of a secret; the usable file comes only from --out, created 0600.
const HIDDEN = '(hidden: write a usable file with --out FILE, created with mode 0600)';

function hideSecrets(text: string): string {
  return text.replace(/^((?:PrivateKey|PresharedKey) = ).*$/gm, `$1${HIDDEN}`);
}

function statusOf(iface: string, monitor: TunnelMonitor, peerPublicKey: string): TunnelStatus {
  return { interface: iface, ...monitor.snapshot(), peerPublicKey: peerPublicKey || null };
}

function statusLine(s: TunnelStatus): string {
  const hs = s.handshakeAgeS === null ? 'never' : `${s.handshakeAgeS} s ago`;
  const rtt = s.probeRttMs === null ? '-' : `${s.probeRttMs.toFixed(1)} ms`;
  return `${s.interface} ${s.state}: ${s.reason} | handshake ${hs} | rx ${s.rxBytes ?? '-'} tx ${s.txBytes ?? '-'} | probe ${rtt} | endpoint ${s.endpoint ?? '-'}`;
}

/** Polls until the state settles (up or down) or the monitor calls it lost: a one-shot answer without an agent. */
async function settle(monitor: TunnelMonitor, maxTicks = 5, gapMs = 1000): Promise<void> {
  for (let i = 0; i < maxTicks; i++) {
    const state = await monitor.tick();
    if (state === 'up' || state === 'down' || state === 'lost') return;
    await new Promise((r) => setTimeout(r, gapMs));
  }
}

/** A shell's `|` is a FIFO; a parent program's pipe (Node's, for one) is a socket pair. */
const isPipe = (st: fs.Stats): boolean => st.isFIFO() || st.isSocket();

export function registerTunnel(program: Command, ctx: CliContext): void {
  const agentStatus = async (): Promise<TunnelStatus | null> => {
    const got = await viaAgent(ctx, (a) => a.call('status'));
    if (!got) return null;
    const { tunnel } = StatusSnapshotSchema.parse(got.value);
    return { interface: settings().interface, ...tunnel, peerPublicKey: settings().peerPublicKey || null };
  };
  const tunnel = program.command('tunnel').description('the WireGuard tunnel to the VPS: peer, import, config, up, down, status, watch, install, uninstall');

  const settings = (): Config['tunnel'] => ctx.runtime().config.load().tunnel;
  const control = (): TunnelControl => controlFor({ settings: settings(), home: ctx.runtime().paths.home, env: ctx.env });
  const monitor = (c: TunnelControl, bus = new EventBus(), withRepairs = false): TunnelMonitor => {
    const rt = ctx.runtime();
    return monitorFor({ settings: settings(), home: rt.paths.home, env: ctx.env, control: c, secrets: rt.secrets, bus, logger: rt.logger.child({ component: 'tunnel' }), repairs: withRepairs });
  };

  tunnel
    .command('peer')
    .description("take in the VPS's public key and public address")
    .requiredOption('--public-key <key>', "the VPS's WireGuard public key (on the VPS: `wg show wg0 public-key`)")
    .requiredOption('--endpoint <host:port>', "the VPS's public address, e.g. vps.example.org:51820")
    .option('--json', 'print {"peerPublicKey","peerFingerprint","endpoint","warnings"}')
    .action(async (opts: { publicKey: string; endpoint: string; json?: boolean }) => {
      if (!parseEndpoint(opts.endpoint)) throw new UsageError(`--endpoint ${JSON.stringify(opts.endpoint)} is not HOST:PORT`, 'e.g. --endpoint vps.example.org:51820 or --endpoint 203.0.113.7:51820');
      const rt = ctx.runtime();
      const result: TunnelPeerResult = await setVpsPeer(rt, opts.publicKey, opts.endpoint);
      if (opts.json) ctx.out(JSON.stringify(result));
      else ctx.out(`VPS peer ${result.peerFingerprint} at ${result.endpoint}`);
      for (const w of result.warnings) ctx.err(`warning: ${w}`);
      await settingsSaved(ctx, { tunnel: true });
    });

  tunnel
    .command('import <file>')
    .description("take in the desktop side's wg-quick file: its keys to the secret store, the VPS peer and addresses to config")
    .option('--json', 'print {"file","address","peerPublicKey","peerAddress","endpoint","keepalive","warnings"}')
    .action(async (file: string, opts: { json?: boolean }) => {
      const full = path.resolve(file);
      const imported: TunnelImportResult = await importConf(ctx.runtime(), full, readConfFile(full));
      if (opts.json) ctx.out(JSON.stringify(imported));
      else ctx.out(`imported ${full}: desktop ${imported.address}, VPS peer ${fingerprint(imported.peerPublicKey)} at ${imported.endpoint || '(no endpoint)'}`);
      for (const w of imported.warnings) ctx.err(`warning: ${w}`);
      await settingsSaved(ctx, { secrets: ['tunnel.privateKey', 'tunnel.presharedKey'], tunnel: true });
    });

  tunnel
    .command('config')
    .description('print the wg-quick config of one side (secrets hidden unless written with --out)')
    .requiredOption('--side <side>', 'desktop or vps')
    .option('--out <file>', 'write a usable file, created with mode 0600')
    .option('--peer-block', "with --side vps: only the desktop's [Peer] block, to paste into an existing wg0.conf")
    .action(async (opts: { side: string; out?: string; peerBlock?: boolean }) => {
      const rt = ctx.runtime();
      const s = settings();
      let text: string;
      if (opts.side === 'desktop') {
        const loaded = await loadDesktopConfig(s, rt.secrets);
        for (const w of loaded.warnings) ctx.err(`warning: ${w}`);
        text = loaded.text;
      } else if (opts.side === 'vps') {
        const input = await vpsPeerInput(rt.secrets, s, 'run `jett keys generate`');
        text = opts.peerBlock ? renderVpsPeerBlock(input) : renderVpsWg0Conf({ ...input, address: vpsAddressOf(s), listenPort: s.listenPort });
      } else {
        throw new UsageError(`--side ${JSON.stringify(opts.side)} is not desktop or vps`, 'use --side desktop or --side vps');
      }
      if (!opts.out) return void ctx.stdout.write(hideSecrets(text));
      writeFileAtomic(path.resolve(opts.out), text, 0o600);
      ctx.out(`wrote ${path.resolve(opts.out)} (mode 0600)`);
    });

  tunnel
    .command('up')
    .description('bring the tunnel up, then wait for the first answer from the VPS')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { json?: boolean }) => {
      // A running agent brings it up itself, so its monitor follows at once.
      if (await viaAgent(ctx, (a) => a.call('tunnel.up'))) {
        let s = (await agentStatus())!;
        // Its monitor was nudged; give the first handshake a few polls, as the in-process path does.
        for (let i = 0; i < 10 && s.state !== 'up' && s.state !== 'lost'; i++) {
          await new Promise((r) => setTimeout(r, 500));
          s = (await agentStatus())!;
        }
        if (s.state !== 'up') ctx.exitCode = 1;
        return ctx.out(opts.json ? JSON.stringify(s) : statusLine(s));
      }
      const rt = ctx.runtime();
      const loaded = await loadDesktopConfig(settings(), rt.secrets);
      for (const w of loaded.warnings) ctx.err(`warning: ${w}`);
      const c = control();
      await c.up(loaded.text);
      rt.logger.info('tunnel up requested', { iface: c.iface });
      const m = monitor(c);
      await settle(m);
      const s = statusOf(c.iface, m, loaded.peerPublicKey);
      if (s.state !== 'up') ctx.exitCode = 1;
      ctx.out(opts.json ? JSON.stringify(s) : statusLine(s));
    });

  tunnel
    .command('down')
    .description('take the tunnel down')
    .action(async () => {
      if (await viaAgent(ctx, (a) => a.call('tunnel.down'))) return ctx.out(`${settings().interface} down (through the running agent)`);
      const c = control();
      ctx.out((await c.down()) ? `${c.iface} down` : `${c.iface} was not up`);
    });

  tunnel
    .command('status')
    .description('probe the VPS and print handshake, traffic and state (exit 1 unless up)')
    .option('--json', 'print {"interface","state","reason","handshakeAgeS","rxBytes","txBytes","probeRttMs","endpoint","peerPublicKey"}')
    .action(async (opts: { json?: boolean }) => {
      // The running agent's monitor knows the state already (and its history); otherwise probe now.
      const s = (await agentStatus()) ?? (await (async () => {
        const c = control();
        const m = monitor(c);
        await settle(m);
        return statusOf(c.iface, m, settings().peerPublicKey);
      })());
      if (s.state !== 'up') ctx.exitCode = 1;
      ctx.out(opts.json ? JSON.stringify(s) : statusLine(s));
    });

  tunnel
    .command('watch')
    .description('follow the tunnel state, repairing it when lost, until Ctrl-C')
    .option('--json', 'print JSON lines: {"type":"state",...} on each transition, {"type":"status",...} each poll')
    .action(async (opts: { json?: boolean }) => {
      const c = control();
      const bus = new EventBus();
      const m = monitor(c, bus, true);
      const peer = settings().peerPublicKey;
      bus.on('tunnel.state', (e) => ctx.out(opts.json ? JSON.stringify({ type: 'state', ...e }) : `${e.at} ${e.from} -> ${e.to}: ${e.reason}`));
      const print = () => {
        const s = statusOf(c.iface, m, peer);
        ctx.out(opts.json ? JSON.stringify({ type: 'status', status: s }) : statusLine(s));
      };
      // Listen for Ctrl-C before the first line, so a signal that follows it at once still stops cleanly.
      const signal = stopSignal();
      try {
        await m.tick();
        print();
        const timer = setInterval(print, settings().pollSeconds * 1000);
        m.start();
        await signal.stopped;
        clearInterval(timer);
        await m.stop();
      } finally {
        signal.release();
      }
    });

  tunnel
    .command('install')
    .description('one-time privileged setup (root / administrator) so your user can bring the tunnel up and down')
    .option('--user <name>', 'the desktop user (default: SUDO_USER, or the current user; on Windows DOMAIN\\user)')
    .option('--root <dir>', 'write the files under DIR instead of / (to inspect them; needs no root)')
    .option('--dry-run', 'print what would be written and run, change nothing')
    .option('--force', 'replace files at those paths that Jett did not write (an existing /etc/wireguard/IFACE.conf, ...)')
    .option('--elevate', 'Windows: ask Windows for administrator rights (its consent prompt) and run the setup elevated')
    .option('--from <file>', 'Windows, the elevated step: take the setup from FILE, written by `--elevate` (deleted once read)')
    .option('--json', 'print {"platform","installed","files","commands"}')
    .option('--handoff', 'run as yourself: print the tunnel keys into a pipe to `sudo jett tunnel install --secrets-stdin` (root never reads your keyring)')
    .option('--secrets-stdin', 'read the tunnel keys from standard input (what --handoff printed) instead of your secret store')
    .action(async (opts: { user?: string; root?: string; dryRun?: boolean; force?: boolean; elevate?: boolean; from?: string; json?: boolean; handoff?: boolean; secretsStdin?: boolean }) => {
      const platform = process.platform === 'win32' ? 'win32' : 'linux';
      if (opts.handoff) {
        // Into a pipe only: keys on a terminal stay in its scrollback, and a redirect leaves them in a file.
        if (ctx.stdout === process.stdout && !isPipe(fs.fstatSync(1))) {
          throw new UsageError('--handoff prints the tunnel keys, so its output must be a pipe (not a terminal or a file)', 'pipe it: `jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin`');
        }
        const rt = ctx.runtime();
        const handoff = await renderHandoff(rt.secrets);
        // Recorded here, on the user's side: the agent compares it with later settings (root writes nothing of ours).
        recordInstalledTunnel(rt.paths.home, (await loadDesktopConfig(settings(), rt.secrets)).text);
        ctx.stdout.write(handoff);
        return void (await settingsSaved(ctx, { secrets: ['tunnel.privateKey'], tunnel: false }));
      }
      if (opts.elevate) {
        if (platform !== 'win32') throw new UsageError('--elevate is for Windows', 'on Linux run `jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin`');
        const rt = ctx.runtime();
        const s = settings();
        const loaded = await loadDesktopConfig(s, rt.secrets);
        await runElevatedInstall(
          { iface: s.interface, user: windowsAccountName(opts.user, ctx.env), configText: loaded.text },
          { runner: execaRunner, runDir: path.join(rt.paths.home, 'run'), powershell: resolveWindowsPrivileged('powershell.exe', ctx.env, fs), program: process.execPath, programArgs: process.argv.slice(1, 2) },
        );
        recordInstalledTunnel(rt.paths.home, loaded.text);
        await settingsSaved(ctx, { secrets: ['tunnel.privateKey'], tunnel: false });
        return ctx.out(`the tunnel is set up; ${SIGN_IN_AGAIN}`);
      }
      // Root reads no keyring: the keys come on stdin (Linux). An administrator's own console on Windows is the same
      // user, whose Credential Manager holds them; the elevated step (--from) reads the hand-over file instead.
      const secrets = opts.secretsStdin ? handoffStore(await readAllStdin(ctx.stdin)) : platform === 'win32' && !opts.from ? ctx.runtime().secrets : undefined;
      const plan = await planTunnelInstall({ platform, env: ctx.env, user: opts.user, root: opts.root, force: opts.force, from: opts.from, secrets });
      const outcome = opts.dryRun ? null : await applyInstallPlan(plan, { runner: execaRunner, isRoot: process.getuid?.() === 0 });
      const result = installReport(plan, !opts.dryRun);
      if (opts.json) return ctx.out(JSON.stringify(result));
      for (const f of result.files) ctx.out(`${opts.dryRun ? 'would write' : 'wrote'} ${f.path} (${f.mode})`);
      for (const cmd of result.commands) ctx.out(`${opts.dryRun ? 'would run' : 'ran'} ${cmd.join(' ')}`);
      if (plan.platform === 'linux') ctx.out(`${plan.user} may now run \`jett tunnel up\` and \`jett tunnel down\`; run this again after \`jett keys generate --force\` or \`jett tunnel peer\``);
      else if (outcome) ctx.out(`${plan.user} ${outcome.joinedGroup ? 'was added to' : 'was already in'} Network Configuration Operators; ${SIGN_IN_AGAIN}`);
    });

  tunnel
    .command('uninstall')
    .description('remove what `jett tunnel install` set up: the tunnel service or the helper and sudoers line, and the config')
    .option('--root <dir>', 'Linux: remove the files under DIR instead of / (where `install --root DIR` wrote them)')
    .option('--interface <name>', "the tunnel's interface (default: this user's tunnel.interface; `jett uninstall` passes it to the elevated step)")
    .action(async (opts: { root?: string; interface?: string }) => {
      const iface = opts.interface ?? settings().interface;
      if (process.platform === 'win32') {
        const outcome = await applyWindowsUninstall(windowsUninstallPlan(iface, ctx.env, fs), { runner: execaRunner, fs });
        for (const r of outcome.removed) ctx.out(`removed ${r}`);
        for (const k of outcome.kept) ctx.out(`kept: ${k}`);
        return;
      }
      const root = opts.root ? path.resolve(opts.root) : '/';
      if (root === '/') {
        if (process.getuid?.() !== 0) throw new UsageError('`jett tunnel uninstall` removes files in /etc and needs root', 'run `sudo jett tunnel uninstall`');
        // The config goes: bring its interface down first, while wg-quick can still read it.
        await controlFor({ settings: { ...settings(), interface: iface }, home: ctx.runtime().paths.home, env: ctx.env })
          .down()
          .catch((err: unknown) => ctx.err(`warning: ${errorMessage(err)}`));
      }
      const outcome = removeLinuxInstall(iface, root);
      for (const r of outcome.removed) ctx.out(`removed ${r}`);
      for (const k of outcome.kept) ctx.out(`kept ${k}`);
    });
}
