// The tray app's tunnel setup: outside Windows it refuses with the Linux command instead of running anything; on
// Windows (replayed) it records what the tunnel service now runs from only when the elevated step succeeded.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tunnelSetup } from '../../../main/app/tunnel-setup.js';
import { ConfigStore } from '../../../main/core/config/store.js';
import { JettError } from '../../../main/core/errors.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import type { WinTrustFs } from '../../../main/core/process/privileged-windows.js';
import { tunnelSetupStatus } from '../../../main/core/tunnel/installed-setup.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
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

  it('on Windows records the installed setup after the elevated step succeeded, and not after a No at the prompt', async () => {
    const home = tempDir();
    const config = new ConfigStore(path.join(home, 'config.json'));
    const secrets = new FileSecretStore(path.join(home, 'secrets.json'));
    await secrets.set('tunnel.privateKey', generateKeyPair().privateKey);
    config.set('tunnel.peerPublicKey', generateKeyPair().publicKey);
    config.set('tunnel.endpoint', 'vps.example.org:51820');
    const runtime = { config, secrets, paths: { home } } as unknown as Parameters<typeof tunnelSetup>[0]['runtime'];
    const env = { SystemRoot: 'C:\\Windows', USERNAME: 'ada', USERDOMAIN: 'DESKTOP' };
    // powershell.exe where Windows keeps it: a plain file in System32, no link on the way.
    const fsx: WinTrustFs = { lstatSync: () => ({ isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false }), realpathSync: { native: (p: string) => p } };
    // The exit status of elevationRequest's PowerShell script: the elevated step's own, or the Win32 error of the
    // launch; 1223 is ERROR_CANCELLED (learn.microsoft.com/windows/win32/debug/system-error-codes--1000-1299-), the
    // Win32Exception's NativeErrorCode when the user says No at the UAC prompt.
    let exitCode = 1223;
    const runner: ProcessRunner = { run: async () => ({ exitCode, stdout: '', stderr: '' }) };
    const setup = tunnelSetup({ runtime, env, platform: 'win32', program: 'C:\\Program Files\\Jett\\Jett.exe', programArgs: [], runner, fsx });
    const check = () => tunnelSetupStatus({ home, settings: config.load().tunnel, secrets, env: {}, platform: 'win32' });
    await expect(setup()).rejects.toThrow(/cancelled at the Windows prompt/);
    expect(await check()).toMatchObject({ state: 'unknown', fix: expect.stringContaining('jett tunnel install --elevate') });
    exitCode = 0;
    await setup();
    expect(await check()).toMatchObject({ state: 'current' });
    config.set('tunnel.endpoint', 'vps2.example.org:51820');
    expect(await check()).toMatchObject({ state: 'outdated' });
  });
});
