// The install plan that `jett tunnel install` carries out: whose JETT_HOME it reads under sudo (from passwd, by exact
// user name), the files by name, every refusal before a write, and a sudoers file that visudo rejects removed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TunnelInstallResultSchema } from '../../../main/core/contracts/tunnel.js';
import { TunnelError } from '../../../main/core/tunnel/errors.js';
import { INSTALL_MARKER, SUDOERS_PATH } from '../../../main/core/tunnel/install.js';
import { applyInstallPlan, homeOfUser, installHome, installReport, installUser, planTunnelInstall, type LinuxInstallPlan } from '../../../main/core/tunnel/install-plan.js';
import type { ProcessRunner } from '../../../main/core/tunnel/runner.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { userWithKeys } from '../../helpers/tunnel-user.js';

const PASSWD = ['root:x:0:0:root:/root:/bin/bash', 'alice2:x:1001:1001::/home/alice2:/bin/bash', 'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash', 'nohome:x:1002:1002:::/bin/sh', ''].join('\n');

describe('whose install it is', () => {
  it('takes --user first, then SUDO_USER, then the current user', () => {
    expect(installUser({ user: 'bob', env: { SUDO_USER: 'alice', USER: 'root' } })).toBe('bob');
    expect(installUser({ env: { SUDO_USER: 'alice', USER: 'root' } })).toBe('alice');
    expect(installUser({ env: { USER: 'carol' } })).toBe('carol');
  });

  it('finds the home folder by the exact user name, not a prefix of another', () => {
    expect(homeOfUser('alice', PASSWD)).toBe('/home/alice');
    expect(homeOfUser('alic', PASSWD)).toBeNull();
    expect(homeOfUser('nohome', PASSWD)).toBeNull();
  });

  it("under sudo reads the user's JETT_HOME, not root's; JETT_HOME set wins and passwd is not read", () => {
    const under = { platform: 'linux' as const, env: { SUDO_USER: 'alice', HOME: '/root' }, passwd: () => PASSWD };
    expect(installHome(under, 'alice')).toBe('/home/alice/.config/Jett');
    const set = { platform: 'linux' as const, env: { SUDO_USER: 'alice', JETT_HOME: '/srv/jett' }, passwd: () => { throw new Error('passwd read'); } };
    expect(installHome(set, 'alice')).toBe('/srv/jett');
  });

  it('says what to set when passwd has no home for the user', () => {
    const input = { platform: 'linux' as const, env: { SUDO_USER: 'ghost', HOME: '/root' }, passwd: () => PASSWD };
    expect(() => installHome(input, 'ghost')).toThrow(TunnelError);
    expect(() => installHome(input, 'ghost')).toThrow('cannot find the home folder of ghost');
  });
});

describeWith([binary('wg-quick'), binary('wg')], 'the Linux plan', () => {
  it('names each file by its job and reports them in write order, sudoers last', async () => {
    const home = await userWithKeys();
    const root = tempDir('jett-root-');
    const plan = (await planTunnelInstall({ platform: 'linux', env: { JETT_HOME: home }, user: 'alice', root })) as LinuxInstallPlan;
    expect(plan.files.sudoers.path).toBe(SUDOERS_PATH);
    expect(plan.files.sudoers.content).toMatch(/^alice ALL=\(root\) NOPASSWD: JETT_TUNNEL$/m);
    expect(plan.files.config.path).toBe('/etc/wireguard/jett0.conf');
    const report = TunnelInstallResultSchema.parse(installReport(plan, false));
    expect(report.files.map((f) => f.path)).toEqual([plan.files.config, plan.files.helper, plan.files.sudoers].map((f) => path.join(root, f.path)));
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('refuses a foreign file while planning, before anything is written', async () => {
    const home = await userWithKeys();
    const root = tempDir('jett-root-');
    const helper = path.join(root, 'usr/local/libexec/jett-tunnel');
    fs.mkdirSync(path.dirname(helper), { recursive: true });
    fs.writeFileSync(helper, '#!/bin/sh\n', { mode: 0o755 });
    const err = await planTunnelInstall({ platform: 'linux', env: { JETT_HOME: home }, user: 'alice', root }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelError);
    expect((err as TunnelError).message).toBe(`${helper} already exists and was not written by Jett; nothing was written`);
    expect(fs.existsSync(path.join(root, 'etc'))).toBe(false);
  });

  it('removes the sudoers file that visudo rejects, and keeps the others', async () => {
    const home = await userWithKeys();
    const root = tempDir('jett-root-');
    const plan = (await planTunnelInstall({ platform: 'linux', env: { JETT_HOME: home }, user: 'alice', root })) as LinuxInstallPlan;
    const checked: string[][] = [];
    const rejecting: ProcessRunner = { run: async (file, args) => (checked.push([file, ...args]), { exitCode: 1, stdout: '', stderr: 'syntax error' }) };
    const err = await applyInstallPlan({ ...plan, visudo: '/usr/sbin/visudo' }, { runner: rejecting, isRoot: false }).then(() => null, (e: unknown) => e);
    const sudoers = path.join(root, SUDOERS_PATH);
    expect((err as TunnelError).message).toBe(`visudo rejected ${sudoers}; it was removed`);
    expect(checked).toEqual([['/usr/sbin/visudo', '-c', '-q', '-f', sudoers]]);
    expect(fs.existsSync(sudoers)).toBe(false);
    expect(fs.readFileSync(path.join(root, plan.files.config.path), 'utf8').split('\n')[0]).toBe(INSTALL_MARKER);
  });
});
