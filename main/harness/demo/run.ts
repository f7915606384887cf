// `jett demo`: the whole system on one Linux machine with real parts. A desktop and a VPS namespace joined by veth,
// WireGuard in both, PostgreSQL and n8n (or its stand-in) on the VPS's tunnel address, the real agent on the
// desktop. It cuts the link, lets events pile up while the VPS marks the desktop offline and queues a request,
// restores the link, checks that everything arrived exactly once, and counts what left the desktop around the tunnel.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ConfigStore } from '../../core/config/store.js';
import { jettPaths } from '../../core/config/paths.js';
import type { DemoResult } from './result.js';
import { ControlClient } from '../../core/control/client.js';
import { startPgCluster, type PgCluster } from '../postgres/cluster.js';
import { JettError } from '../../core/errors.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair } from '../netns/pair.js';
import { FileSecretStore } from '../../core/secrets/file-store.js';
import { OWNER_ROLE, provisionJettDatabase } from '../postgres/provision.js';
import { jettInNamespace, type JettChild } from './processes.js';
import { startAutomations } from './automations.js';
import { countEgress } from '../netns/egress.js';
import { resolvePrivileged } from '../../core/process/privileged.js';

export class DemoError extends JettError {}

export interface DemoOptions {
  /** The heartbeat period; short so that "offline" shows within seconds. */
  heartbeatS: number;
  /** Events the desktop produces a second while the demo runs. */
  eventsPerSecond: number;
  /** Events that must pile up in the outbox while the link is cut. */
  minBacklog: number;
  /** Progress for a person to read. */
  say: (line: string) => void;
  /** Which runs the VPS's automations: 'auto' takes n8n when it is installed (npm run setup:n8n), else the stand-in. */
  n8n: 'auto' | 'real' | 'stand-in';
  /** Aborts the demo (Ctrl-C): it stops where it is and cleans up. */
  signal: AbortSignal;
}

const KIND = 'demo.tick';

function ipBin(): string {
  const ip = resolvePrivileged('ip');
  if (!ip) throw new DemoError('`ip` not found', 'install iproute2: npm run setup:linux');
  return ip;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const interrupted = () => new DemoError('interrupted', 'nothing to do: everything the demo made is removed');
    if (signal.aborted) return reject(interrupted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `check` every `everyMs` until it returns a value, or fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, timeoutMs: number, signal: AbortSignal, check: () => Promise<T | null> | T | null, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new DemoError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`, 'see the lines above for the last state; `jett doctor` checks the parts');
    await sleep(everyMs, signal);
  }
}

interface Cleanup {
  what: string;
  run: () => Promise<void> | void;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const { say, signal } = opts;
  if (process.platform !== 'linux') throw new DemoError('the demo builds network namespaces, which only Linux has', 'run it on Linux (WSL2 works)');
  if (process.getuid?.() !== 0) throw new DemoError('the demo needs root to create network namespaces and WireGuard interfaces', 'run it as root: `sudo npx jett demo`');

  const cleanups: Cleanup[] = [];
  const t = () => performance.now() / 1000;
  try {
    // 1. Two machines on one: namespaces, veth, WireGuard on the VPS side.
    const pair: NetnsPair = await createNetnsPair({ prefix: 'jd' });
    cleanups.push({ what: 'network namespaces and WireGuard', run: () => pair.destroy() });
    const vpsTunnel = await startVpsTunnel(pair, { keepalive: 25 });
    say(`[vps]     namespaces ${pair.ns.desktop} (desktop, ${pair.underlay.desktop}) and ${pair.ns.vps} (VPS, ${pair.underlay.vps}) joined by veth`);
    say(`[vps]     WireGuard ${vpsTunnel.vpsIface} up on ${TUNNEL.vps}/${TUNNEL.prefix}, UDP ${TUNNEL.port}`);

    // 2. PostgreSQL on the VPS's tunnel address only, with the server migrations.
    const cluster: PgCluster = await startPgCluster({ netns: pair.ns.vps, host: TUNNEL.vps, allowFrom: [`${TUNNEL.desktop}/32`, `${TUNNEL.vps}/32`] });
    cleanups.push({ what: 'PostgreSQL', run: () => cluster.stop() });
    // Roles and migrations as a VPS install makes them: the desktop and the receiver (n8n's stand-in) get their own.
    const roles = await provisionJettDatabase(cluster);
    const db = roles.desktop;
    const admin = new pg.Client({ host: cluster.socketDir, port: cluster.port, user: 'postgres', database: db.database });
    await admin.connect();
    cleanups.push({ what: 'database session', run: () => admin.end() });
    say(`[vps]     PostgreSQL listening on ${TUNNEL.vps}:${cluster.port} only, migrations applied as ${OWNER_ROLE}; desktop role ${db.user}, n8n role ${roles.n8n.user}`);

    // 3. The heartbeat webhook and the offline detector: n8n itself when it is installed, else the stand-in.
    const token = randomBytes(18).toString('base64url');
    const automations = await startAutomations(opts.n8n, {
      pair,
      db: roles,
      token,
      detectorEveryS: opts.heartbeatS,
      say,
    });
    cleanups.push({ what: automations.kind === 'real' ? 'n8n' : 'heartbeat receiver', run: () => automations.stop() });
    say(`[vps]     heartbeat webhook on ${automations.heartbeatUrl}, offline detector every ${opts.heartbeatS} s (${automations.kind === 'real' ? 'n8n' : 'stand-in'})`);

    // What the offline detector decided, read from its log, whichever of the two runs it.
    const presence: { status: string; at: number }[] = [];
    let lastLogId = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching && !signal.aborted) {
        const r = await admin.query<{ id: string; status: string }>('SELECT id, status FROM desktop_presence_log WHERE id > $1 ORDER BY id', [lastLogId]);
        for (const row of r.rows) {
          lastLogId = Number(row.id);
          presence.push({ status: row.status, at: t() });
          say(`[vps]     offline detector: desktop is ${row.status}`);
        }
        await sleep(200, signal).catch(() => undefined);
      }
    })().catch((err: unknown) => say(`[vps]     reading the offline detector's log failed: ${(err as Error).message}`));
    cleanups.push({
      what: 'presence watcher',
      run: async () => {
        watching = false;
        await watcher;
      },
    });

    // The privacy proof: the desktop namespace gets a default route through the underlay, as a desktop on a LAN has,
    // so a packet for anywhere would leave by it; every packet that does, other than WireGuard's, is counted.
    await pair.exec('desktop', ipBin(), ['route', 'add', 'default', 'via', pair.underlay.vps]);
    const egress = await countEgress({ runner: pair.runner('desktop'), iface: pair.veth.desktop, endpoint: { host: pair.underlay.vps, port: TUNNEL.port } });
    say(`[desktop] counting every IP packet leaving ${pair.veth.desktop} other than WireGuard's UDP to ${pair.underlay.vps}:${TUNNEL.port}`);

    // 4. The desktop: its own JETT_HOME, keys and settings, and the real agent (which brings its tunnel up itself).
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-demo-'));
    cleanups.push({ what: 'desktop JETT_HOME', run: () => fs.rmSync(home, { recursive: true, force: true }) });
    const paths = jettPaths(home);
    const config = new ConfigStore(paths.config);
    const settings: [string, string][] = [
      ['tunnel.interface', vpsTunnel.desktopIface],
      ['tunnel.address', `${TUNNEL.desktop}/${TUNNEL.prefix}`],
      ['tunnel.peerAddress', TUNNEL.vps],
      ['tunnel.endpoint', `${pair.underlay.vps}:${TUNNEL.port}`],
      ['tunnel.peerPublicKey', vpsTunnel.vpsKeys.publicKey],
      ['tunnel.pollSeconds', '1'],
      ['postgres.host', TUNNEL.vps],
      ['postgres.port', String(cluster.port)],
      ['heartbeat.url', automations.heartbeatUrl],
      ['heartbeat.intervalS', String(opts.heartbeatS)],
    ];
    for (const [k, v] of settings) config.set(k, v);
    const secrets = new FileSecretStore(paths.secrets);
    await secrets.set('tunnel.privateKey', vpsTunnel.desktopKeys.privateKey);
    await secrets.set('postgres.password', db.password);
    await secrets.set('heartbeat.token', token);

    let tunnelState = 'down';
    const agent: JettChild = jettInNamespace(pair.ns.desktop, ['agent', '--json'], { JETT_HOME: home }, (line) => {
      if (line.type !== 'event') return;
      const payload = line.payload as Record<string, unknown>;
      if (line.event === 'tunnel.state') {
        tunnelState = String(payload.to);
        say(`[desktop] tunnel ${String(payload.from)} -> ${String(payload.to)}: ${String(payload.reason)}`);
      } else if (line.event === 'notification') {
        say(`[desktop] notification shown: "${String(payload.title)}"`);
      }
    });
    cleanups.push({ what: 'desktop agent', run: () => agent.stop() });
    const dead = agent.exited.then((code) => {
      throw new DemoError(`the desktop agent exited (code ${code}): ${agent.stderr.slice(-3).join(' | ')}`, 'see the agent log in the demo JETT_HOME');
    });
    dead.catch(() => undefined);
    say(`[desktop] agent started in ${pair.ns.desktop} with JETT_HOME ${home}`);

    const control = await waitFor('the agent control socket', 30_000, signal, () => ControlClient.connectToAgent(paths, 500));
    cleanups.push({ what: 'control connection', run: () => control.close() });
    await Promise.race([dead, waitFor('the tunnel to come up', 30_000, signal, () => (tunnelState === 'up' ? true : null))]);

    // 5. Events flow: the desktop appends, the sync pushes, the VPS stores.
    let sent = 0;
    let producing = true;
    let produceError: unknown = null;
    const producer = (async () => {
      const everyMs = 100;
      const perTick = Math.max(1, Math.round((opts.eventsPerSecond * everyMs) / 1000));
      while (producing && !signal.aborted) {
        const payloads = Array.from({ length: perTick }, (_, i) => ({ n: sent + i + 1, at: new Date().toISOString(), pad: 'x'.repeat(200) }));
        // Counted once the agent says they are durable: only those are owed to the VPS.
        await control.call('outbox.append', { kind: KIND, payloads });
        sent += perTick;
        await sleep(everyMs, signal).catch(() => undefined);
      }
    })().catch((err: unknown) => {
      produceError = err;
    });
    const clientId = await waitFor('the first heartbeat', 30_000, signal, async () => {
      const r = await admin.query<{ client_id: string }>('SELECT client_id FROM desktop_heartbeats LIMIT 1');
      return r.rows[0]?.client_id ?? null;
    });
    const lastSeq = async () => Number((await admin.query<{ last_seq: string }>('SELECT last_seq FROM sync_clients WHERE client_id = $1', [clientId])).rows[0]?.last_seq ?? 0);
    const pending = async () => ((await control.call('status')) as { outbox: { pending: number } }).outbox.pending;
    await waitFor('events to reach the VPS', 30_000, signal, async () => ((await lastSeq()) > 0 ? true : null));
    await waitFor('the VPS to see the desktop online', 10_000, signal, () => (presence.at(-1)?.status === 'online' ? true : null));
    say(`[check]   events flowing: VPS has ${await lastSeq()}, desktop outbox ${await pending()} pending; heartbeat every ${opts.heartbeatS} s`);

    // 6. Cut the link; the outbox grows, the VPS marks the desktop offline, and queues a request for it.
    await pair.cut('link');
    const cutAt = t();
    say(`[cut]     link cut (veth down): nothing passes between desktop and VPS`);
    const requestId = `demo-${randomUUID()}`;
    const notify = { title: 'Hello from the VPS', body: 'queued while the desktop was offline' };
    if (automations.queueRequest) {
      await automations.queueRequest({ kind: 'notify', payload: notify, request_id: requestId });
      say(`[vps]     queued request ${requestId} (notify) through n8n's request webhook`);
    } else {
      await admin.query('SELECT jett_queue_request($1, $2::jsonb, $3)', ['notify', JSON.stringify(notify), requestId]);
      say(`[vps]     queued request ${requestId} (notify) in desktop_inbox, as the request workflow's SQL does`);
    }
    let offlineAt: number | null = null;
    let lastShown = 0;
    await waitFor('the cut to last 4 heartbeat periods, the VPS to mark the desktop offline and the backlog to grow', 90_000, signal, async () => {
      if (offlineAt === null && presence.at(-1)?.status === 'offline') offlineAt = presence.at(-1)!.at;
      const p = await pending();
      if (t() - lastShown >= 2) {
        lastShown = t();
        say(`[cut]     ${(t() - cutAt).toFixed(0)} s: desktop outbox ${p} pending, VPS has ${await lastSeq()}`);
      }
      return offlineAt !== null && p >= opts.minBacklog && t() - cutAt >= 4 * opts.heartbeatS ? true : null;
    }, 200);

    // 7. Restore it: the backlog drains and the inbox request arrives without any new write being needed.
    const backlog = (await lastSeq()) + (await pending());
    await pair.restore();
    const restoredAt = t();
    const cutS = restoredAt - cutAt;
    say(`[restore] link restored after ${cutS.toFixed(1)} s with ${await pending()} events waiting`);
    const inboxState = async () => (await admin.query<{ state: string }>('SELECT state FROM desktop_inbox WHERE request_id = $1', [requestId])).rows[0]?.state ?? 'missing';
    await waitFor('the backlog to drain and the request to be delivered', 60_000, signal, async () =>
      (await lastSeq()) >= backlog && ['delivered', 'answered'].includes(await inboxState()) ? true : null,
    50);
    const resyncS = t() - restoredAt;
    say(`[restore] backlog of ${backlog} drained and the request delivered ${resyncS.toFixed(2)} s after the link came back`);
    await waitFor('the answer to the request', 30_000, signal, async () => ((await inboxState()) === 'answered' ? true : null));
    await waitFor('the VPS to see the desktop online again', 30_000, signal, () => (presence.at(-1)?.status === 'online' ? true : null));
    say(`[vps]     request answered; desktop online again`);

    // 8. Stop producing, let the last events drain, and check the VPS against what was sent.
    producing = false;
    await producer;
    if (produceError) throw new DemoError(`appending events through the agent failed: ${(produceError as Error).message}`, 'see the agent log in the demo JETT_HOME');
    await waitFor('the last events to drain', 60_000, signal, async () => ((await pending()) === 0 && (await lastSeq()) > 0 ? true : null));
    const rows = await admin.query<{ n: number }>(`SELECT (payload->>'n')::int AS n FROM events WHERE client_id = $1 AND kind = $2 ORDER BY seq`, [clientId, KIND]);
    const ns = rows.rows.map((r) => r.n);
    const distinct = new Set(ns);
    let reordered = 0;
    for (let i = 1; i < ns.length; i++) if (ns[i]! < ns[i - 1]!) reordered++;
    const inbox = await admin.query<{ state: string }>('SELECT state FROM desktop_inbox WHERE request_id = $1', [requestId]);
    const state = inbox.rows[0]?.state;
    const leaked = await egress.read();
    say(`[privacy] packets that left the desktop other than the tunnel's: ${leaked.packets} (IPv4 ${leaked.ipv4}, IPv6 ${leaked.ipv6})`);
    return {
      events_sent: sent,
      events_on_vps: distinct.size,
      lost: [...Array(sent).keys()].filter((i) => !distinct.has(i + 1)).length,
      duplicated: ns.length - distinct.size,
      reordered,
      heartbeat_s: opts.heartbeatS,
      cut_s: Number(cutS.toFixed(2)),
      offline_detected_s: offlineAt === null ? null : Number((offlineAt - cutAt).toFixed(2)),
      resync_s: Number(resyncS.toFixed(2)),
      inbox_delivered: state === 'delivered' || state === 'answered' ? 1 : 0,
      inbox_answered: state === 'answered' ? 1 : 0,
      back_online: presence.at(-1)?.status === 'online',
      n8n: automations.kind,
      egress_other_packets: leaked.packets,
    };
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c.run();
      } catch (err) {
        say(`[cleanup] ${c.what}: ${(err as Error).message}`);
      }
    }
    say('[cleanup] removed everything the demo made');
  }
}
