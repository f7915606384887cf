// `jett doctor`'s wireguard line looks where the tunnel will: the system folders only. A wg-quick found only on
// PATH or in /usr/local, or an unsafe one in /usr/bin, is a failure that says why.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { runDoctor, type DoctorDeps } from '../../../main/core/doctor/checks.js';
import { UnsafeProgramError } from '../../../main/core/process/privileged.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { tempDir } from '../../helpers/tmp.js';

async function wireguardCheck(resolvePrivileged: DoctorDeps['resolvePrivileged'], onPath: Record<string, string>) {
  const home = tempDir();
  const deps: DoctorDeps = {
    platform: 'linux',
    loadConfig: () => ConfigSchema.parse({}),
    configFile: path.join(home, 'config.json'),
    secrets: new FileSecretStore(path.join(home, 'secrets.json')),
    resolveBinary: (name) => onPath[name] ?? null,
    resolvePrivileged,
    fetch: () => Promise.reject(new Error('offline')),
    loadOnnxRuntime: async () => ({ backends: [{ name: 'cpu', bundled: true }], libDir: home }),
    modelsDir: () => path.join(home, 'models'),
  };
  return (await runDoctor(deps)).checks.find((c) => c.name === 'wireguard');
}

describe('doctor: wireguard', () => {
  it('fails a wg-quick that is only on PATH or in /usr/local, and says the tunnel will not use it', async () => {
    const c = await wireguardCheck((n) => (n === 'wg' ? '/usr/bin/wg' : null), { 'wg-quick': '/usr/local/bin/wg-quick', wg: '/usr/bin/wg' });
    expect(c).toMatchObject({ status: 'fail', detail: 'missing: wg-quick (found /usr/local/bin/wg-quick, but programs that run as root come only from /usr/bin, /usr/sbin, /bin, /sbin)' });
  });

  it('fails an unsafe wg-quick in a system folder with the resolver\'s reason and fix', async () => {
    const c = await wireguardCheck(() => {
      throw new UnsafeProgramError('/usr/bin/wg-quick is not safe to use as root: /usr/bin/wg-quick is owned by uid 1000, not root', 'chown it');
    }, {});
    expect(c).toMatchObject({ status: 'fail', detail: expect.stringContaining('owned by uid 1000'), fix: 'chown it' });
  });
});
