// `jett doctor`'s sox line on Windows: it names the sox.exe found in Program Files (SoX's installer does not add
// itself to PATH), and when there is none it says how to install SoX for Windows.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { runDoctor, type DoctorDeps } from '../../../main/core/doctor/checks.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { SOX, windowsDisk, windowsEnv } from '../../helpers/windows-disk.js';
import { tempDir } from '../../helpers/tmp.js';

async function soxCheck(files: string[]) {
  const home = tempDir();
  const deps: DoctorDeps = {
    platform: 'win32',
    loadConfig: () => ConfigSchema.parse({}),
    configFile: path.join(home, 'config.json'),
    secrets: new FileSecretStore(path.join(home, 'secrets.json')),
    resolveBinary: (name) => resolveBinary(name, { platform: 'win32', env: windowsEnv, fs: windowsDisk(files) }),
    resolvePrivileged: () => null,
    fetch: () => Promise.reject(new Error('offline')),
    loadOnnxRuntime: async () => ({ backends: [{ name: 'cpu', bundled: true }], libDir: home }),
    modelsDir: () => path.join(home, 'models'),
  };
  return (await runDoctor(deps)).checks.find((c) => c.name === 'sox');
}

describe('doctor: sox on Windows', () => {
  it('shows the sox.exe it found under Program Files (x86), off PATH', async () => {
    const check = await soxCheck([SOX]);
    expect(check?.status).toBe('ok');
    expect(check?.detail.toLowerCase()).toContain(SOX.toLowerCase());
  });

  it('fails without SoX and says where to get it and that no PATH change is needed', async () => {
    const check = await soxCheck(['C:\\Windows\\system32\\ping.exe']);
    expect(check).toMatchObject({ status: 'fail', detail: expect.stringContaining('replies cannot be spoken') });
    expect(check?.fix).toContain('sox-14.4.2-win32.exe');
    expect(check?.fix).toContain('no PATH change');
  });
});
