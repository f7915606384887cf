// `jett doctor`'s checks of the way to the VPS against real parts: a WireGuard tunnel between two namespaces, a real
// PostgreSQL 15 on the VPS's tunnel address, and a stand-in for n8n's heartbeat webhook there. `jett doctor --json`
// runs in the desktop namespace as a user runs it: tunnel down, tunnel up, a wrong password, a refused token, and a
// route that does not go through the tunnel. No secret appears in its output.
import path from 'node:path';
import readline from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jettPaths } from '../../../main/core/config/paths.js';
import { ConfigStore } from '../../../main/core/config/store.js';
import { DoctorReportSchema, type DoctorCheck } from '../../../main/core/contracts/doctor.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { fingerprint } from '../../../main/core/tunnel/keys.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair, type VpsTunnel } from '../../helpers/netns.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { needsPostgres } from '../sync/fixture.js';

const TOKEN = 'doctor-test-token-Hq71zT3k';
const HOOK_PORT = 5678;
const JETT_BIN = path.resolve('bin/jett.mjs');
const NAMES = ['tunnel-config', 'tunnel-route', 'postgres', 'heartbeat-webhook'];

describeWith([root, binary('ip'), binary('wg-quick'), binary('wireguard-go'), ...needsPostgres], 'jett doctor: tunnel, route, PostgreSQL and webhook through a real tunnel', () => {
  let pair: NetnsPair;
  let vps: VpsTunnel;
  let pgc: TestPostgres;
  let hook: ResultPromise;
  const requests: { path: string; authorized: boolean; clientId: string | null }[] = [];
  let home: string;
  let secrets: FileSecretStore;
  let output = '';

  const doctor = async (): Promise<Record<string, DoctorCheck>> => {
    const r = await pair.runner('desktop').run(process.execPath, [JETT_BIN, 'doctor', '--json'], { env: { JETT_HOME: home, JETT_SECRET_STORE: 'file' }, timeoutMs: 90_000 });
    output += r.stdout + r.stderr;
    const report = DoctorReportSchema.parse(JSON.parse(r.stdout));
    return Object.fromEntries(report.checks.filter((c) => NAMES.includes(c.name)).map((c) => [c.name, c]));
  };

  beforeAll(async () => {
    pair = await createNetnsPair({ prefix: 'jd' });
    vps = await startVpsTunnel(pair);
    pgc = await startPostgres({ netns: pair.ns.vps, host: TUNNEL.vps, allowFrom: [`${TUNNEL.desktop}/32`] });
    hook = execa(resolveBinary('ip')!, ['netns', 'exec', pair.ns.vps, process.execPath, '--import', 'tsx', path.resolve('test/integration/doctor/webhook-standin.ts'), TUNNEL.vps, String(HOOK_PORT)], {
      buffer: false,
      reject: false,
      env: { STANDIN_TOKEN: TOKEN },
    });
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: hook.stdout! }).on('line', (line) => {
        const obj = JSON.parse(line) as { listening?: boolean; path: string; authorized: boolean; clientId: string | null };
        if (obj.listening) resolve();
        else requests.push(obj);
      });
      void hook.then((r) => reject(new Error(`the webhook stand-in exited: ${String(r.stderr)}`)));
    });
    // The desktop as the bundle and `jett tunnel peer` leave it: settings in config, keys and passwords in the store.
    home = tempDir('jett-doctor-vps-');
    const config = new ConfigStore(jettPaths(home).config);
    for (const [k, v] of [
      ['tunnel.interface', vps.desktopIface],
      ['tunnel.address', vps.desktopInput.address],
      ['tunnel.peerAddress', TUNNEL.vps],
      ['tunnel.endpoint', vps.desktopInput.endpoint],
      ['tunnel.peerPublicKey', vps.vpsKeys.publicKey],
      ['postgres.host', TUNNEL.vps],
      ['postgres.port', String(pgc.db.port)],
      ['postgres.database', pgc.db.database],
      ['postgres.user', pgc.db.user],
      ['heartbeat.url', `http://${TUNNEL.vps}:${HOOK_PORT}/webhook/heartbeat`],
    ] as const) config.set(k, v);
    secrets = new FileSecretStore(jettPaths(home).secrets);
    await secrets.set('tunnel.privateKey', vps.desktopKeys.privateKey);
    await secrets.set('postgres.password', pgc.db.password);
    await secrets.set('heartbeat.token', TOKEN);
  }, 120_000);

  afterAll(async () => {
    hook?.kill('SIGTERM');
    await pgc?.stop();
    await pair?.destroy();
    // Whatever ran, the output never held a secret.
    for (const secret of [vps?.desktopKeys.privateKey, pgc?.db.password, TOKEN, 'wrong-password-x9', 'wrong-token-x9']) if (secret) expect(output).not.toContain(secret);
  });

  it('with the tunnel down: the configuration is valid, the route says "tunnel down", and PostgreSQL and the webhook are skipped', async () => {
    const c = await doctor();
    expect(c['tunnel-config']).toMatchObject({ status: 'ok', detail: expect.stringContaining(`${fingerprint(vps.desktopKeys.publicKey)} (${vps.desktopInput.address}) to the VPS ${fingerprint(vps.vpsKeys.publicKey)}`) });
    expect(c['tunnel-route']).toMatchObject({ status: 'warn', detail: `tunnel down: the interface ${vps.desktopIface} does not exist`, fix: expect.stringContaining('jett tunnel up') });
    expect(c.postgres).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^skipped: tunnel down /) });
    expect(c['heartbeat-webhook']).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^skipped: tunnel down /) });
    expect(requests).toEqual([]);
  }, 120_000);

  it('with the tunnel up: the route goes through it, PostgreSQL logs in by SCRAM and has the schema, the webhook takes an authenticated beat', async () => {
    await pair.wgQuickUp('desktop', vps.desktopIface, vps.desktopConfigText);
    const c = await doctor();
    expect(c['tunnel-route']).toMatchObject({ status: 'ok', detail: `the route to the VPS address ${TUNNEL.vps} goes through the tunnel ${vps.desktopIface}` });
    expect(c.postgres).toMatchObject({ status: 'ok', detail: expect.stringMatching(/by SCRAM-SHA-256 through the tunnel; schema version \d+ \(this Jett needs \d+\)/) });
    expect(c['heartbeat-webhook']).toMatchObject({ status: 'ok', detail: expect.stringContaining('accepted an authenticated heartbeat') });
    expect(requests.at(-1)).toMatchObject({ path: '/webhook/heartbeat', authorized: true, clientId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  }, 120_000);

  it('fails PostgreSQL with a wrong password, and the webhook with a refused token (HTTP 401), naming the fix', async () => {
    await secrets.set('postgres.password', 'wrong-password-x9');
    await secrets.set('heartbeat.token', 'wrong-token-x9');
    try {
      const c = await doctor();
      expect(c.postgres).toMatchObject({ status: 'fail', detail: expect.stringContaining('password authentication failed'), fix: expect.stringContaining('jett secret set postgres.password') });
      expect(c['heartbeat-webhook']).toMatchObject({ status: 'fail', detail: expect.stringContaining('refused the heartbeat token (the webhook answered HTTP 401: Authorization is required!)'), fix: expect.stringContaining('jett secret set heartbeat.token') });
      expect(requests.at(-1)).toMatchObject({ authorized: false });
    } finally {
      await secrets.set('postgres.password', pgc.db.password);
      await secrets.set('heartbeat.token', TOKEN);
    }
  }, 120_000);

  it('fails the route when the VPS address leaves by another interface than the tunnel, and tries neither service', async () => {
    const ip = resolveBinary('ip')!;
    // A local network that claims the tunnel's addresses: a policy rule sends the VPS address out of the veth.
    await pair.exec('desktop', ip, ['route', 'add', `${TUNNEL.vps}/32`, 'dev', pair.veth.desktop, 'table', '123']);
    await pair.exec('desktop', ip, ['rule', 'add', 'to', `${TUNNEL.vps}/32`, 'lookup', '123', 'priority', '100']);
    const before = requests.length;
    try {
      const c = await doctor();
      expect(c['tunnel-route']).toMatchObject({ status: 'fail', detail: `the route to the VPS address ${TUNNEL.vps} goes via ${pair.veth.desktop}, not the tunnel ${vps.desktopIface}: Jett connects to no VPS service while it does` });
      expect(c.postgres).toMatchObject({ status: 'warn', detail: expect.stringMatching(new RegExp(`^skipped: the route to ${TUNNEL.vps} goes via ${pair.veth.desktop}, not the tunnel`)) });
      expect(c['heartbeat-webhook']).toMatchObject({ status: 'warn', detail: expect.stringContaining('skipped: the route') });
      expect(requests.length).toBe(before);
    } finally {
      await pair.exec('desktop', ip, ['rule', 'del', 'priority', '100']);
    }
  }, 120_000);
});
