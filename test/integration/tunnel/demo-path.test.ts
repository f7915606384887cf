// `sudo npx jett demo` runs ip, wg-quick and iptables as root with node_modules/.bin first on PATH: the namespace
// pair behind it takes them from the system folders only, so programs planted first on PATH never run.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { createNetnsPair, startVpsTunnel } from '../../../main/harness/netns/pair.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

describeWith([root, binary('ip'), binary('wg-quick'), binary('wg'), binary('wireguard-go'), binary('iptables')], 'the demo\'s namespace pair and a planted PATH', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('brings a tunnel up, cuts and restores it, and never runs the planted ip, wg-quick or iptables', async () => {
    const planted = tempDir('jett-planted-');
    const marker = path.join(planted, 'pwned');
    for (const name of ['ip', 'wg-quick', 'wg', 'iptables', 'wireguard-go']) fs.writeFileSync(path.join(planted, name), `#!/bin/sh\nid -u >> ${marker}\nexit 1\n`, { mode: 0o755 });
    vi.stubEnv('PATH', `${planted}:${process.env.PATH}`);
    const pair = await createNetnsPair();
    try {
      const vps = await startVpsTunnel(pair);
      expect(vps.desktopIface).toMatch(/^jt/);
      await pair.cut('drop');
      await pair.restore();
    } finally {
      await pair.destroy();
    }
    expect(fs.existsSync(marker)).toBe(false);
  }, 60_000);
});
