// The desktop's keys, its VPS peer and the .conf import as core holds them for `jett keys`, `jett tunnel peer|import`
// and the Tunnel tab: a stored key kept unless replaced, a bad or own-key peer refused with nothing stored, the CLI
// import taking the same file the window takes and printing no key.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../../main/core/config/store.js';
import { TunnelImportResultSchema } from '../../../main/core/contracts/tunnel.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { renderDesktopConfig } from '../../../main/core/tunnel/config.js';
import { desktopKeys, generateDesktopKeys, setVpsPeer, vpsPeerInput } from '../../../main/core/tunnel/desktop-keys.js';
import { TunnelConfigError } from '../../../main/core/tunnel/errors.js';
import { generateKeyPair, generatePresharedKey, publicKeyOf } from '../../../main/core/tunnel/keys.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

function stores() {
  const home = tempDir();
  return { home, secrets: new FileSecretStore(path.join(home, 'secrets.json')), config: new ConfigStore(path.join(home, 'config.json')) };
}

const REPLACE = 'replace them on purpose';

describe('desktop keys', () => {
  it('generates a pair, hands out only its public half, and keeps it against a second generate', async () => {
    const { secrets } = stores();
    expect(await desktopKeys(secrets)).toBeNull();
    const made = await generateDesktopKeys(secrets, { replace: false, presharedKey: true, howToReplace: REPLACE });
    const privateKey = (await secrets.get('tunnel.privateKey'))!;
    expect(made).toEqual({ publicKey: publicKeyOf(privateKey), fingerprint: expect.stringMatching(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/), presharedKeyStored: true });
    expect(JSON.stringify(made)).not.toContain(privateKey);
    const again = await generateDesktopKeys(secrets, { replace: false, presharedKey: false, howToReplace: REPLACE }).then(() => null, (e: unknown) => e);
    expect(again).toBeInstanceOf(TunnelConfigError);
    expect(again).toMatchObject({ message: expect.stringContaining('a private key is already stored'), fix: REPLACE });
    expect(await secrets.get('tunnel.privateKey')).toBe(privateKey);
    await generateDesktopKeys(secrets, { replace: true, presharedKey: false, howToReplace: REPLACE });
    expect(await secrets.get('tunnel.privateKey')).not.toBe(privateKey);
  });

  it('says which command makes keys when the VPS side asks for them first', async () => {
    const { secrets, config } = stores();
    await expect(vpsPeerInput(secrets, config.load().tunnel, 'run `jett keys generate`')).rejects.toThrow('this desktop has no WireGuard key yet');
  });
});

describe('the VPS peer', () => {
  it("refuses this desktop's own public key, a malformed key and an endpoint that is not HOST:PORT, storing nothing", async () => {
    const deps = stores();
    const own = await generateDesktopKeys(deps.secrets, { replace: false, presharedKey: false, howToReplace: REPLACE });
    const vps = generateKeyPair().publicKey;
    await expect(setVpsPeer(deps, own.publicKey, 'vps.example.org:51820')).rejects.toThrow("the peer public key is this desktop's own public key");
    await expect(setVpsPeer(deps, vps.slice(0, 40), 'vps.example.org:51820')).rejects.toThrow(TunnelConfigError);
    await expect(setVpsPeer(deps, vps, 'vps.example.org; reboot')).rejects.toThrow('is not HOST:PORT');
    expect(deps.config.load().tunnel).toMatchObject({ peerPublicKey: '', endpoint: '' });
    expect(await setVpsPeer(deps, vps, 'vps.example.org:51820')).toMatchObject({ peerPublicKey: vps, endpoint: 'vps.example.org:51820', warnings: [] });
  });
});

describe('jett tunnel import', () => {
  const conf = (privateKey: string, vps: string, psk: string | null) =>
    renderDesktopConfig({ privateKey, address: '10.0.0.1/24', vpsPublicKey: vps, vpsTunnelAddress: '10.0.0.2', endpoint: 'vps.example.org:51820', keepalive: 25, presharedKey: psk });

  it('takes the file the Tunnel tab takes: keys to the secret store, public fields to config, no key printed', async () => {
    const home = tempDir();
    const desktop = generateKeyPair();
    const vps = generateKeyPair().publicKey;
    const psk = generatePresharedKey();
    const file = path.join(tempDir(), 'jett-desktop.conf');
    fs.writeFileSync(file, conf(desktop.privateKey, vps, psk), { mode: 0o600 });
    const r = await jett(['tunnel', 'import', file, '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(TunnelImportResultSchema.parse(JSON.parse(r.stdout))).toEqual({ file, address: '10.0.0.1/24', peerPublicKey: vps, peerAddress: '10.0.0.2', endpoint: 'vps.example.org:51820', keepalive: 25, warnings: [] });
    for (const secret of [desktop.privateKey, psk]) expect(r.stdout + r.stderr).not.toContain(secret);
    const shown = await jett(['keys', 'show', '--json'], { home });
    expect(JSON.parse(shown.stdout)).toMatchObject({ publicKey: desktop.publicKey, presharedKey: true });
  });

  it('refuses a folder, and a file whose peer is its own key, storing nothing', async () => {
    const home = tempDir();
    const dir = tempDir();
    const asFolder = await jett(['tunnel', 'import', dir], { home });
    expect(asFolder.code).toBe(1);
    expect(asFolder.stderr).toContain(`${dir} is a folder, not a file`);
    const desktop = generateKeyPair();
    const file = path.join(dir, 'self.conf');
    const vps = generateKeyPair().publicKey;
    fs.writeFileSync(file, conf(desktop.privateKey, vps, null).replace(`PublicKey = ${vps}`, `PublicKey = ${desktop.publicKey}`));
    const self = await jett(['tunnel', 'import', file], { home });
    expect(self.code).toBe(1);
    expect(self.stderr).toContain("has this interface's own public key");
    expect(self.stderr).not.toContain(desktop.privateKey);
    expect((await jett(['keys', 'show'], { home })).stderr).toContain('no WireGuard key yet');
  });
});
