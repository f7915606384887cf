// `jett doctor`'s execution-provider line: the provider the speech models will run on, a CPU fallback as a
// warning with the opt-in CUDA command, and an explicit provider that cannot run as a failure.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, type ConfigInput } from '../../../main/core/contracts/config.js';
import { DoctorReportSchema } from '../../../main/core/contracts/doctor.js';
import { runDoctor, type DoctorDeps } from '../../../main/core/doctor/checks.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

async function epCheck(platform: NodeJS.Platform, backends: string[], models: ConfigInput['models'] = {}) {
  const home = tempDir();
  const deps: DoctorDeps = {
    platform,
    loadConfig: () => ConfigSchema.parse({ models }),
    configFile: path.join(home, 'config.json'),
    secrets: new FileSecretStore(path.join(home, 'secrets.json')),
    resolveBinary: () => null,
    resolvePrivileged: () => null,
    fetch: () => Promise.reject(new Error('offline')),
    loadOnnxRuntime: async () => ({ backends: backends.map((name) => ({ name, bundled: name !== 'cuda' })), libDir: home }),
    modelsDir: () => path.join(home, 'models'),
  };
  return (await runDoctor(deps)).checks.find((c) => c.name === 'execution-provider');
}

describe('doctor: execution-provider', () => {
  it('says ok with DirectML on Windows', async () => {
    expect(await epCheck('win32', ['cpu', 'dml'])).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^speech models run on dml/) });
  });

  it('warns about a CPU fallback on Linux without the CUDA files, naming the opt-in command', async () => {
    const c = await epCheck('linux', ['cpu', 'cuda']);
    expect(c).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^speech models run on the CPU \(fallback from a GPU\)/) });
    expect(c?.fix).toContain('npm run models:cuda');
  });

  it('says ok without a warning when the CPU was asked for, and fails an explicit provider that cannot run', async () => {
    expect(await epCheck('linux', ['cpu'], { executionProvider: 'cpu' })).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^speech models run on cpu/) });
    expect(await epCheck('linux', ['cpu'], { executionProvider: 'dml' })).toMatchObject({ status: 'fail', detail: expect.stringContaining('DirectML exists only on Windows') });
  });

  it('reports the provider in use on this machine through `jett doctor --json`', async () => {
    const res = await jett(['doctor', '--json'], { home: tempDir() });
    const check = DoctorReportSchema.parse(JSON.parse(res.stdout)).checks.find((c) => c.name === 'execution-provider');
    expect(check?.detail).toMatch(/^speech models run on (cuda|dml|cpu|the CPU)/);
    const models = DoctorReportSchema.parse(JSON.parse(res.stdout)).checks.find((c) => c.name === 'models');
    expect(models?.fix).toContain('jett models pull whisper-base');
  });
});
