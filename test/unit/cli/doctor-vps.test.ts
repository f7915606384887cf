// `jett doctor`'s tunnel-config and secret-store lines without a network: missing pieces named with the next step, a
// malformed key or the VPS's own key as the peer refused, the secret store's kind, place and why, never a value.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, type ConfigInput } from '../../../main/core/contracts/config.js';
import { runDoctor } from '../../../main/core/doctor/checks.js';
import { vpsChecks } from '../../../main/core/doctor/vps-checks.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { tempDir } from '../../helpers/tmp.js';

const body = () => {
  throw new Error('no beat without a tunnel');
};

async function checks(tunnel: ConfigInput['tunnel'], secrets: Record<string, string>) {
  const store = new FileSecretStore(path.join(tempDir(), 'secrets.json'));
  for (const [k, v] of Object.entries(secrets)) await store.set(k as 'tunnel.privateKey', v);
  let lookups = 0;
  const routeLookup = async () => (lookups++, { dev: null, tunnelExists: false });
  const out = await vpsChecks({ secrets: store, routeLookup, heartbeatBody: body }, ConfigSchema.parse({ tunnel }));
  return { byName: Object.fromEntries(out.map((c) => [c.name, c])), lookups };
}

describe('doctor: tunnel-config', () => {
  it('names every missing piece and the next step, and checks no route for a tunnel never set up', async () => {
    const { byName, lookups } = await checks({}, {});
    expect(byName['tunnel-config']).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^not configured: this desktop has no WireGuard key yet \(missing this desktop's WireGuard key, the VPS public key/), fix: expect.stringContaining('jett keys generate') });
    expect(byName['tunnel-route']).toMatchObject({ status: 'warn', detail: 'skipped: the tunnel is not configured' });
    expect(byName.postgres).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^skipped: tunnel down \(not configured\)/) });
    expect(lookups).toBe(0);
  });

  it('fails a malformed private key without printing it, and a peer that is this desktop itself', async () => {
    const peer = generateKeyPair();
    const bad = await checks({ peerPublicKey: peer.publicKey, endpoint: 'vps.example.org:51820' }, { 'tunnel.privateKey': 'not-a-key-Secret123' });
    expect(bad.byName['tunnel-config']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^the tunnel settings are invalid: /) });
    expect(JSON.stringify(bad.byName)).not.toContain('not-a-key-Secret123');
    const self = await checks({ peerPublicKey: peer.publicKey, endpoint: 'vps.example.org:51820' }, { 'tunnel.privateKey': peer.privateKey });
    expect(self.byName['tunnel-config']).toMatchObject({ status: 'fail' });
    expect(JSON.stringify(self.byName)).not.toContain(peer.privateKey);
  });
});

describe('doctor: secret-store', () => {
  it('says which store, where and why, and names the secrets set, never their values', async () => {
    const home = tempDir();
    const secrets = new FileSecretStore(path.join(home, 'secrets.json'));
    await secrets.set('postgres.password', 'pw-value-Zk3');
    const report = await runDoctor({
      platform: 'linux',
      loadConfig: () => ConfigSchema.parse({}),
      configFile: path.join(home, 'config.json'),
      secrets,
      resolveBinary: () => null,
      resolvePrivileged: () => null,
      fetch: () => Promise.reject(new Error('offline')),
      loadOnnxRuntime: async () => ({ backends: [{ name: 'cpu', bundled: true }], libDir: home }),
      modelsDir: () => path.join(home, 'models'),
    });
    const store = report.checks.find((c) => c.name === 'secret-store');
    expect(store).toMatchObject({ status: 'ok', detail: `file store at ${path.join(home, 'secrets.json')}; set: postgres.password` });
    expect(JSON.stringify(report)).not.toContain('pw-value-Zk3');
  });
});
