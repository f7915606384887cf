// `jett audit live` run inside the desktop namespace of a real WireGuard pair: services listening on the VPS
// tunnel address pass; the same port listening on the underlay ("public") address is reported; a missing service
// and a missing interface fail with their fixes.
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LiveAuditReportSchema, type LiveAuditReport } from '../../../main/core/contracts/vps.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { SERVICE_PORTS } from '../../../main/core/vps/compose-model.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair, type VpsTunnel } from '../../helpers/netns.js';
import { tempDir } from '../../helpers/tmp.js';

const JETT_BIN = path.resolve(__dirname, '../../../bin/jett.mjs');
// Accepts and closes connections on each HOST:PORT given, and says "ready" once all listen.
const LISTENER = `const net = require('net'); const specs = process.argv.slice(1); let n = 0;
for (const s of specs) { const i = s.lastIndexOf(':'); net.createServer((c) => c.end()).listen(Number(s.slice(i + 1)), s.slice(0, i), () => { if (++n === specs.length) console.log('ready'); }); }`;

describeWith([root, binary('wg'), binary('wg-quick'), binary('wireguard-go'), binary('ip')], 'jett audit live on a namespace pair', () => {
  let pair: NetnsPair;
  let vps: VpsTunnel;
  let home: string;
  const listeners: ResultPromise[] = [];

  beforeAll(async () => {
    pair = await createNetnsPair();
    vps = await startVpsTunnel(pair);
    await pair.wgQuickUp('desktop', vps.desktopIface, vps.desktopConfigText);
    home = tempDir();
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ tunnel: { interface: vps.desktopIface, address: `${TUNNEL.desktop}/${TUNNEL.prefix}`, peerAddress: TUNNEL.vps } }));
  });
  afterEach(async () => {
    for (const l of listeners.splice(0)) {
      l.kill();
      await l.catch(() => undefined);
    }
  });
  afterAll(async () => {
    await pair?.destroy();
  });

  async function listen(...specs: string[]): Promise<void> {
    const child = execa(resolveBinary('ip')!, ['netns', 'exec', pair.ns.vps, process.execPath, '-e', LISTENER, ...specs], { reject: false });
    listeners.push(child);
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(chunk.toString()).toContain('ready');
  }

  async function auditLive(...extra: string[]): Promise<{ code: number; report: LiveAuditReport; stdout: string }> {
    const r = await execa(resolveBinary('ip')!, ['netns', 'exec', pair.ns.desktop, process.execPath, JETT_BIN, 'audit', 'live', '--timeout-ms', '1500', ...extra], {
      reject: false,
      env: { JETT_HOME: home },
    });
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    return { code: r.exitCode ?? -1, report: extra.includes('--json') ? LiveAuditReportSchema.parse(JSON.parse(last)) : (null as unknown as LiveAuditReport), stdout: r.stdout };
  }

  const tunnelSpecs = () => Object.values(SERVICE_PORTS).map((p) => `${TUNNEL.vps}:${p}`);
  const statusOf = (r: LiveAuditReport, kind: string, service: string) => r.checks.find((c) => c.kind === kind && c.name.startsWith(`${service} `))?.status;

  it('every service listening on the tunnel address only: passes, exit 0', async () => {
    await listen(...tunnelSpecs());
    const { code, report } = await auditLive('--json', '--public-address', pair.underlay.vps);
    expect(report.passed).toBe(true);
    expect(code).toBe(0);
    expect(report.interface).toBe(vps.desktopIface);
    for (const name of Object.keys(SERVICE_PORTS)) {
      expect(statusOf(report, 'tunnel-port', name)).toBe('ok');
      expect(statusOf(report, 'public-port', name)).toBe('ok');
    }
    const hs = report.checks.find((c) => c.kind === 'handshake')!;
    expect(hs.status).toBe('ok');
    expect(hs.detail).toMatch(/^last handshake \d+ s ago$/);
  });

  it('the same port also listening on the public (underlay) address is reported, exit 1', async () => {
    await listen(...tunnelSpecs(), `${pair.underlay.vps}:${SERVICE_PORTS.postgres}`);
    const { code, report } = await auditLive('--json', '--public-address', pair.underlay.vps);
    expect(code).toBe(1);
    expect(report.passed).toBe(false);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.name)).toEqual([`postgres ${pair.underlay.vps}:${SERVICE_PORTS.postgres}`]);
    expect(failed[0]!.detail).toContain('answers on the public address');
    expect(failed[0]!.fix).toContain('publish the port on the tunnel address only');
  });

  it('a service that does not answer through the tunnel fails with what to check; readable lines without --json', async () => {
    await listen(...tunnelSpecs().filter((s) => !s.endsWith(`:${SERVICE_PORTS.qdrant}`)));
    const { code, stdout } = await auditLive('--public-address', pair.underlay.vps);
    expect(code).toBe(1);
    expect(stdout).toContain(`fail    qdrant ${TUNNEL.vps}:${SERVICE_PORTS.qdrant}: connection refused: nothing listens there`);
    expect(stdout).toContain('fix: on the VPS: `docker compose ps qdrant`');
    expect(stdout).toContain('live audit FAILED');
  });

  it('a desktop interface that does not exist fails the handshake check', async () => {
    await listen(...tunnelSpecs());
    const { code, report } = await auditLive('--json', '--interface', `${pair.id}x`);
    expect(code).toBe(1);
    expect(report.checks.find((c) => c.kind === 'handshake')).toMatchObject({ status: 'fail', detail: `interface ${pair.id}x does not exist` });
    // No public address known: that check says so instead of passing silently.
    expect(report.checks.find((c) => c.kind === 'public-port')).toMatchObject({ status: 'skipped' });
  });
});

describe('audit live: without a namespace', () => {
  it('the CLI refuses a bad --timeout-ms', async () => {
    const r = await execa(process.execPath, [JETT_BIN, 'audit', 'live', '--timeout-ms', 'soon'], { reject: false, env: { JETT_HOME: tempDir() } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--timeout-ms "soon" is not a positive whole number');
  });
});
