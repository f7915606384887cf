// The tray app's tunnel setup outside Windows: it refuses with the Linux command instead of running anything.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tunnelSetup } from '../../../main/app/tunnel-setup.js';
import { ConfigStore } from '../../../main/core/config/store.js';
import { JettError } from '../../../main/core/errors.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import type { ProcessRunner } from '../../../main/core/tunnel/runner.js';
import { tempDir } from '../../helpers/tmp.js';

describe('the tunnel setup from the window', () => {
  it('on Linux says to run `sudo jett tunnel install`, and runs nothing', async () => {
    const home = tempDir();
    const ran: string[] = [];
    const runner: ProcessRunner = { run: async (file) => (ran.push(file), { exitCode: 0, stdout: '', stderr: '' }) };
    const runtime = { config: new ConfigStore(path.join(home, 'config.json')), secrets: new FileSecretStore(path.join(home, 'secrets.json')), paths: { home } } as unknown as Parameters<typeof tunnelSetup>[0]['runtime'];
    const setup = tunnelSetup({ runtime, env: {}, platform: 'linux', program: '/usr/bin/jett', programArgs: [], runner });
    const err = await setup().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JettError);
    expect((err as JettError).fix).toMatch(/sudo jett tunnel install/);
    expect(ran).toEqual([]);
  });
});
