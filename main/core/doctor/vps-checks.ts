// `jett doctor`'s checks of the way to the VPS: the tunnel's configuration, the route to the VPS address, and, only
// while that route goes through the tunnel, PostgreSQL (SCRAM login through the guard, schema version) and n8n's
// heartbeat webhook (an authenticated beat answered). No secret ever appears in a verdict.
import type { Config } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/doctor.js';
import type { HeartbeatBody } from '../contracts/heartbeat.js';
import { errorMessage, JettError } from '../errors.js';
import { EventBus } from '../events/bus.js';
import { HeartbeatSender, TOKEN_NEXT } from '../heartbeat/sender.js';
import { createLogger } from '../log/logger.js';
import type { SecretStore } from '../secrets/store.js';
import { classifyFailure, fixFor } from '../sync/errors.js';
import { configPoolFactory } from '../sync/pg-pool.js';
import { PASSWORD_NEXT } from '../sync/readiness.js';
import { checkServerSchema } from '../sync/schema-version.js';
import { fingerprint, publicKeyOf } from '../tunnel/keys.js';
import { tunnelGap } from '../tunnel/readiness.js';
import type { RouteLookup } from '../tunnel/route-lookup.js';
import { loadDesktopConfig } from '../tunnel/setup.js';
import { createVpsGuard } from '../tunnel/vps-guard.js';

export interface VpsCheckDeps {
  secrets: SecretStore;
  /** Which interface a packet to an address leaves by (routeLookupFor, as the guard asks). */
  routeLookup: RouteLookup;
  /** The body of the test beat (the desktop's client id and outbox counts); read only when the beat is sent. */
  heartbeatBody: () => HeartbeatBody;
  /** Limits for each network check, so a silent VPS costs seconds, not minutes. */
  timeoutMs?: number;
}

const ok = (name: string, detail: string): DoctorCheck => ({ name, status: 'ok', detail, fix: null });
const warn = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: 'warn', detail, fix });
const fail = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: 'fail', detail, fix });
const TUNNEL_UP_FIX = 'bring the tunnel up (`jett tunnel up`, or Connect in the window), then run `jett doctor` again';

/** Keys, peer and endpoint present, and the wg-quick config they make valid; missing pieces are named. */
async function checkTunnelConfig(deps: VpsCheckDeps, config: Config): Promise<{ check: DoctorCheck; configured: boolean }> {
  const name = 'tunnel-config';
  const settings = config.tunnel;
  const gap = await tunnelGap(settings, deps.secrets);
  if (gap) return { check: warn(name, `not configured: ${gap.headline} (missing ${gap.missing.join(', ')})`, gap.next), configured: false };
  try {
    const { warnings } = await loadDesktopConfig(settings, deps.secrets);
    const own = publicKeyOf((await deps.secrets.get('tunnel.privateKey')) ?? '');
    const detail = `this desktop ${fingerprint(own)} (${settings.address}) to the VPS ${fingerprint(settings.peerPublicKey)} at ${settings.endpoint} (${settings.peerAddress}), interface ${settings.interface}`;
    if (warnings.length > 0) return { check: warn(name, `${detail}; ${warnings.join('; ')}`, 'see the warnings: `jett tunnel config` shows the file'), configured: true };
    return { check: ok(name, detail), configured: true };
  } catch (err) {
    return { check: fail(name, `the tunnel settings are invalid: ${errorMessage(err)}`, err instanceof JettError ? err.fix : 'check `jett config list` and `jett keys show`'), configured: false };
  }
}

/** Whether the kernel sends the VPS address through the tunnel interface, as every VPS client's guard requires. */
/** up: the VPS services may be tried; otherwise `down` says why they are skipped. */
type RouteVerdict = { check: DoctorCheck; up: true } | { check: DoctorCheck; up: false; down: string };

async function checkRoute(deps: VpsCheckDeps, config: Config, configured: boolean): Promise<RouteVerdict> {
  const name = 'tunnel-route';
  if (!configured) return { check: warn(name, 'skipped: the tunnel is not configured', 'see the tunnel-config check'), up: false, down: 'tunnel down (not configured)' };
  const { interface: iface, peerAddress } = config.tunnel;
  try {
    const { dev, tunnelExists } = await deps.routeLookup(peerAddress, iface);
    if (dev === iface) return { check: ok(name, `the route to the VPS address ${peerAddress} goes through the tunnel ${iface}`), up: true };
    if (!tunnelExists) return { check: warn(name, `tunnel down: the interface ${iface} does not exist${dev ? ` (the VPS address ${peerAddress} would leave by ${dev}, where Jett never connects)` : ''}`, TUNNEL_UP_FIX), up: false, down: 'tunnel down' };
    if (dev === null) return { check: fail(name, `there is no route to the VPS address ${peerAddress} although ${iface} exists`, `check tunnel.peerAddress and the AllowedIPs of \`jett tunnel config\`; \`ip route get ${peerAddress}\` shows the route`), up: false, down: `no route to ${peerAddress}` };
    return {
      check: fail(
        name,
        `the route to the VPS address ${peerAddress} goes via ${dev}, not the tunnel ${iface}: Jett connects to no VPS service while it does`,
        `check \`ip route get ${peerAddress}\`: a local network that uses the tunnel's addresses wins over the tunnel; remove that route, or give the tunnel addresses of its own`,
      ),
      up: false,
      down: `the route to ${peerAddress} goes via ${dev}, not the tunnel`,
    };
  } catch (err) {
    return { check: fail(name, `the route cannot be checked: ${errorMessage(err)}`, err instanceof JettError ? err.fix : 'install iproute2'), up: false, down: 'the route cannot be checked' };
  }
}

/** Logs in as the sync does (through the guard, SCRAM only) and reads the schema version. */
async function checkPostgres(deps: VpsCheckDeps, config: Config, route: RouteVerdict): Promise<DoctorCheck> {
  const name = 'postgres';
  const pgc = config.postgres;
  const where = `${pgc.user}@${pgc.host}:${pgc.port}/${pgc.database}`;
  if (!route.up) return warn(name, `skipped: ${route.down} (${where} is reached only through the tunnel)`, route.check.fix ?? TUNNEL_UP_FIX);
  if (!(await deps.secrets.get('postgres.password'))) return warn(name, `not configured: no database password yet (secret postgres.password) for ${where}`, PASSWORD_NEXT);
  const guard = createVpsGuard({ iface: config.tunnel.interface, lookup: deps.routeLookup });
  const ms = deps.timeoutMs ?? 5000;
  let pool: Awaited<ReturnType<ReturnType<typeof configPoolFactory>>> | null = null;
  try {
    pool = await configPoolFactory(pgc, deps.secrets, guard, { connectMs: ms, queryMs: ms })();
    const client = await pool.connect();
    try {
      const v = await checkServerSchema(client);
      return ok(name, `logged in to ${where} by SCRAM-SHA-256 through the tunnel; schema version ${v.server} (this Jett needs ${v.desktop})`);
    } finally {
      client.release();
    }
  } catch (err) {
    const f = classifyFailure(err);
    const refused = f.code === '28P01' || f.code === '28000';
    return fail(name, `${where}: ${f.message}`, refused ? 'the database refused the password: store the one from the VPS bundle with `jett secret set postgres.password` (`jett vps bundle` printed it), and check postgres.user' : fixFor(f));
  } finally {
    await pool?.end().catch(() => undefined);
  }
}

/** Sends one heartbeat as the agent does (the guard, the bearer token) and says how n8n answered. */
async function checkWebhook(deps: VpsCheckDeps, config: Config, route: RouteVerdict): Promise<DoctorCheck> {
  const name = 'heartbeat-webhook';
  const url = config.heartbeat.url;
  if (!route.up) return warn(name, `skipped: ${route.down} (${url} is reached only through the tunnel)`, route.check.fix ?? TUNNEL_UP_FIX);
  const token = () => deps.secrets.get('heartbeat.token');
  if (!(await token())) return warn(name, `not configured: no heartbeat token yet (secret heartbeat.token) for ${url}`, TOKEN_NEXT);
  const sender = new HeartbeatSender({
    url,
    intervalS: config.heartbeat.intervalS,
    token,
    body: deps.heartbeatBody,
    bus: new EventBus(),
    // The verdict below says what failed; a doctor run writes no log.
    logger: createLogger({ sink: () => undefined, format: 'json' }),
    guard: createVpsGuard({ iface: config.tunnel.interface, lookup: deps.routeLookup }),
    timeoutMs: deps.timeoutMs ?? 5000,
  });
  await sender.beat();
  const s = sender.status();
  if (s.lastSentAt) return ok(name, `n8n at ${url} accepted an authenticated heartbeat`);
  const error = s.lastError ?? 'no answer';
  if (/HTTP (401|403)\b/.test(error)) {
    return fail(name, `n8n at ${url} refused the heartbeat token (${error})`, 'store the token from the VPS bundle (JETT_DESKTOP_TOKEN in env/desktop.env) with `jett secret set heartbeat.token`; install.sh gives n8n the same one');
  }
  if (/HTTP 404\b/.test(error)) return fail(name, `n8n at ${url} has no such webhook (${error})`, 'run `sudo /opt/jett/install.sh` on the VPS (it imports and activates the workflows), and check heartbeat.url');
  return fail(name, `the heartbeat to ${url} failed: ${error}`, 'check that n8n runs on the VPS (`docker compose ps` in /opt/jett) and heartbeat.url');
}

export async function vpsChecks(deps: VpsCheckDeps, config: Config | null): Promise<DoctorCheck[]> {
  const names = ['tunnel-config', 'tunnel-route', 'postgres', 'heartbeat-webhook'];
  if (!config) return names.map((n) => warn(n, 'skipped: the config is invalid', 'fix the config first'));
  const tunnel = await checkTunnelConfig(deps, config);
  const route = await checkRoute(deps, config, tunnel.configured);
  return [tunnel.check, route.check, await checkPostgres(deps, config, route), await checkWebhook(deps, config, route)];
}
