// The attack on the tunnel helper, for real: a throwaway user plants wg-quick (and bash, env, ...) first on PATH,
// root runs the real `jett tunnel install`, then the user runs the installed helper through `sudo -n` with
// BASH_ENV and WG_QUICK_USERSPACE_IMPLEMENTATION pointing at the plant. Everything runs in a private mount and
// network namespace: /etc/sudoers.d, /etc/wireguard, /run/wireguard and /usr/local are private copies there, so
// nothing reaches the host even if the test dies halfway. Only the user is created on the host (removed after).
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { jett } from '../../helpers/cli.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

const HELPER = '/usr/local/libexec/jett-tunnel';

/** Runs inside `unshare --mount --net`: private mounts first, then each step's rc, stdout and stderr to $R. */
const SCRIPT = String.raw`
set -uo pipefail
step() { local name=$1; shift; "$@" > "$R/$name.out" 2> "$R/$name.err"; echo $? > "$R/$name.rc"; }
as_user() { runuser -u "$U" -- /usr/bin/env -i PATH="$PLANTED:/usr/bin:/bin" HOME=/ BASH_ENV="$PLANTED/evil" ENV="$PLANTED/evil" WG_QUICK_USERSPACE_IMPLEMENTATION="$PLANTED/evil" "$@"; }
install() { /usr/bin/env PATH="$PLANTED:$PATH" BASH_ENV="$PLANTED/evil" JETT_HOME="$JHOME" "$NODE" "$JETT" tunnel install --user "$U" "$@"; }
set -e
mount -t tmpfs -o mode=0755 tmpfs "$SCRATCH"
mkdir "$SCRATCH/upper" "$SCRATCH/work"
chmod 0755 "$SCRATCH/upper"
mount -t overlay overlay -o "lowerdir=/usr/local,upperdir=$SCRATCH/upper,workdir=$SCRATCH/work" /usr/local
mount -t tmpfs -o mode=0755 tmpfs /etc/sudoers.d
mount -t tmpfs -o mode=0700 tmpfs /etc/wireguard
mkdir -p /run/wireguard
mount -t tmpfs -o mode=0755 tmpfs /run/wireguard
if [ -d /run/sudo ]; then mount -t tmpfs -o mode=0711 tmpfs /run/sudo; fi
ip link set lo up
set +e
trap 'ip link del "$IFACE" 2>/dev/null' EXIT

step install install
cp "$HELPER" "$R/helper.txt"
step user-up as_user /usr/bin/sudo -n "$HELPER" up
step user-status as_user /usr/bin/sudo -n "$HELPER" status
step user-clean as_user /usr/bin/sudo -n "$HELPER" --clean up
step user-down as_user /usr/bin/sudo -n "$HELPER" down
# Without sudo's env_reset: root itself runs the helper with the poisoned environment.
step root-up /usr/bin/env PATH="$PLANTED:$PATH" BASH_ENV="$PLANTED/evil" WG_QUICK_USERSPACE_IMPLEMENTATION="$PLANTED/evil" "$HELPER" up
step root-link ip -o link show "$IFACE"
step root-down /usr/bin/env PATH="$PLANTED:$PATH" BASH_ENV="$PLANTED/evil" "$HELPER" down

# Tampering after the install: /usr/bin/wg-quick now belongs to the user (a bind mount of the user's plant).
mount --bind "$PLANTED/evil" /usr/bin/wg-quick
step tampered-up as_user /usr/bin/sudo -n "$HELPER" up
step tampered-install install
umount /usr/bin/wg-quick

# The helper's folder writable by a group (the staff-writable /usr/local of older Debian systems).
chmod 0775 /usr/local/libexec
step writable-libexec install
chmod 0755 /usr/local/libexec
step reinstall install
`;

type Step = { rc: number; out: string; err: string };

describeWith([root, binary('sudo'), binary('visudo'), binary('wg-quick'), binary('wg'), binary('wireguard-go'), binary('ip'), binary('unshare'), binary('runuser'), binary('useradd'), binary('userdel')], 'the tunnel helper through sudo, attacked by a user', () => {
  const user = `jt-${crypto.randomBytes(3).toString('hex')}`;
  const iface = `jt${crypto.randomBytes(3).toString('hex')}`;
  let results = '';
  let planted = '';
  let privateKey = '';
  let uid = -1;
  const step = (name: string): Step => ({
    rc: Number(fs.readFileSync(path.join(results, `${name}.rc`), 'utf8')),
    out: fs.readFileSync(path.join(results, `${name}.out`), 'utf8'),
    err: fs.readFileSync(path.join(results, `${name}.err`), 'utf8'),
  });

  beforeAll(async () => {
    execFileSync(resolveBinary('useradd')!, ['--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    uid = Number(execFileSync(resolveBinary('id')!, ['-u', user], { encoding: 'utf8' }));
    const home = tempDir('jett-sudo-home-');
    for (const args of [['keys', 'generate'], ['config', 'set', 'tunnel.interface', iface], ['tunnel', 'peer', '--public-key', generateKeyPair().publicKey, '--endpoint', '192.0.2.1:51820']]) {
      const r = await jett(args, { home });
      expect(r.code, r.stderr).toBe(0);
    }
    privateKey = (JSON.parse(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>)['tunnel.privateKey']!;
    // The user's own folder, first on PATH: every program the install or the helper might look up is a plant.
    planted = tempDir('jett-planted-');
    const evil = `#!/bin/sh\nid -u >> ${planted}/pwned\n`;
    for (const name of ['evil', 'wg-quick', 'wg', 'bash', 'env', 'stat', 'readlink', 'visudo', 'wireguard-go', 'ip', 'sudo']) fs.writeFileSync(path.join(planted, name), evil, { mode: 0o755 });
    for (const name of ['.', ...fs.readdirSync(planted)]) fs.chownSync(path.join(planted, name), uid, uid);
    results = tempDir('jett-sudo-results-');
    const scratch = tempDir('jett-sudo-scratch-');
    const run = spawnSync(resolveBinary('unshare')!, ['--mount', '--net', '--propagation', 'private', resolveBinary('bash')!, '-c', SCRIPT], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', R: results, U: user, PLANTED: planted, JHOME: home, NODE: process.execPath, JETT: path.resolve('bin/jett.mjs'), HELPER, IFACE: iface, SCRATCH: scratch },
    });
    expect(run.status, run.stderr).toBe(0);
  }, 180_000);

  afterAll(() => {
    spawnSync(resolveBinary('userdel')!, ['--force', user]);
  });

  it('installs a helper that runs the system wg-quick, whatever the PATH of the root that installed it', () => {
    const install = step('install');
    expect(install.rc, install.err).toBe(0);
    const helper = fs.readFileSync(path.join(results, 'helper.txt'), 'utf8');
    expect(helper).toMatch(/^ {2}up\) exec '\/usr\/(s?bin)\/wg-quick' up "\$CONF" ;;$/m);
    expect(helper).not.toContain(planted);
  });

  it('lets the user bring the real tunnel up and down through sudo -n, and never runs the plant', () => {
    expect(step('user-up').rc, step('user-up').err).toBe(0);
    const status = step('user-status');
    expect(status.rc, status.err).toBe(0);
    expect(status.out).toMatch(/^[A-Za-z0-9+/]{43}=\t\(none\)\t192\.0\.2\.1:51820\t10\.0\.0\.2\/32\t/);
    expect(status.out).not.toContain(privateKey);
    expect(step('user-down').rc, step('user-down').err).toBe(0);
    expect(fs.existsSync(path.join(planted, 'pwned'))).toBe(false);
  });

  it('gives the user no way past the first stage: sudo refuses "--clean"', () => {
    const clean = step('user-clean');
    expect(clean.rc).toBe(1);
    expect(clean.err).toMatch(/a password is required|not allowed/);
  });

  it('ignores a poisoned environment even without sudo\'s env_reset (root runs it with BASH_ENV and WG_QUICK_USERSPACE_IMPLEMENTATION)', () => {
    expect(step('root-up').rc, step('root-up').err).toBe(0);
    expect(step('root-link').out).toContain(`${iface}:`);
    expect(step('root-down').rc, step('root-down').err).toBe(0);
    expect(fs.existsSync(path.join(planted, 'pwned'))).toBe(false);
  });

  it('refuses at run, and at install, once /usr/bin/wg-quick belongs to the user', () => {
    const up = step('tampered-up');
    expect(up.rc).toBe(126);
    expect(up.err).toContain(`jett-tunnel: refusing to run as root: /usr/bin/wg-quick: /usr/bin/wg-quick is owned by uid ${uid}, not root`);
    const install = step('tampered-install');
    expect(install.rc).toBe(1);
    expect(install.err).toContain(`/usr/bin/wg-quick is not safe to use as root: /usr/bin/wg-quick is owned by uid ${uid}, not root`);
    expect(fs.existsSync(path.join(planted, 'pwned'))).toBe(false);
  });

  it('refuses to install the helper into a folder a group may write, and installs again once it is fixed', () => {
    const r = step('writable-libexec');
    expect(r.rc).toBe(1);
    expect(r.err).toContain(`${HELPER.replace('/jett-tunnel', '')} is not safe to use as root: /usr/local/libexec is writable by group or others (mode 0775)`);
    expect(step('reinstall').rc, step('reinstall').err).toBe(0);
  });
});
