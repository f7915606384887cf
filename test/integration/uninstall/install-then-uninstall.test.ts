// `jett uninstall` after a real install, for real: the tunnel helper, its sudoers line and the root-owned config
// written by the real `jett tunnel install` (as root, inside a private mount namespace whose /etc/sudoers.d,
// /etc/wireguard and /usr/local are private copies), the secrets in a real Secret Service (gnome-keyring), the
// autostart file the tray app writes, and JETT_HOME. The filesystem is listed before and after: nothing Jett wrote
// is left, JETT_HOME stays or goes as asked, and a second run finds nothing to do.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { createLoginItem } from '../../../main/app/login-item.js';
import type { UninstallResult } from '../../../main/core/contracts/uninstall.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { keyringService } from '../../../main/core/secrets/keyring-store.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { jett } from '../../helpers/cli.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { startSecretService, type SecretServiceSession } from '../../helpers/secret-service.js';
import { tempDir } from '../../helpers/tmp.js';

const SYSTEM_DIRS = '/etc/sudoers.d /etc/wireguard /usr/local';

/** Inside `unshare --mount`: private system folders, the listing before, the real install, the listing, uninstall. */
const SCRIPT = String.raw`
set -euo pipefail
list() { find ${SYSTEM_DIRS} -xdev -printf '%p %m %u\n' | sort > "$R/$1.list"; }
j() { "$NODE" "$JETT" "$@"; }
mount -t tmpfs -o mode=0755 tmpfs "$SCRATCH"
mkdir "$SCRATCH/upper" "$SCRATCH/work"
chmod 0755 "$SCRATCH/upper"
mount -t overlay overlay -o "lowerdir=/usr/local,upperdir=$SCRATCH/upper,workdir=$SCRATCH/work" /usr/local
mount -t tmpfs -o mode=0755 tmpfs /etc/sudoers.d
mount -t tmpfs -o mode=0700 tmpfs /etc/wireguard
list before
j tunnel install --handoff | j tunnel install --secrets-stdin --user root > "$R/install.out"
list installed
set +e
j uninstall "$CHOICE" --json > "$R/uninstall.json" 2> "$R/uninstall.err"; echo $? > "$R/uninstall.rc"
j uninstall --keep-data --json > "$R/again.json" 2> "$R/again.err"; echo $? > "$R/again.rc"
set -e
list after
`;

/** Every path under `dir` (with its mode), for a before/after comparison. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    out.push(`${p} ${(st.mode & 0o7777).toString(8)}`);
    if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) walk(path.join(p, n));
  };
  walk(dir);
  return out;
}

describeWith(
  [root, binary('unshare'), binary('wg-quick'), binary('wg'), binary('visudo'), binary('gnome-keyring-daemon'), binary('dbus-run-session'), binary('secret-tool')],
  'jett uninstall after a real install (private mount namespace, real Secret Service)',
  () => {
    const sessions: SecretServiceSession[] = [];
    afterAll(async () => {
      while (sessions.length) await sessions.pop()!.stop();
    });

    /** A user with a desktop session: HOME with the usual ~/.config/autostart, a Secret Service, Jett set up in it. */
    async function installAndUninstall(choice: '--delete-data' | '--keep-data') {
      const home = tempDir('jett-uninstall-home-');
      fs.mkdirSync(path.join(home, '.config', 'autostart'), { recursive: true });
      const homeBefore = listTree(path.join(home, '.config'));
      const s = await startSecretService({ home, unlock: true });
      sessions.push(s);
      const jettHome = path.join(home, '.config', 'Jett');
      const env = { ...s.env, JETT_SECRET_STORE: undefined };
      for (const [args, stdin] of [
        [['keys', 'generate', '--psk']],
        [['config', 'set', 'tunnel.interface', `ju${process.pid % 10000}`]],
        [['tunnel', 'peer', '--public-key', generateKeyPair().publicKey, '--endpoint', '192.0.2.1:51820']],
        [['secret', 'set', 'postgres.password'], 'pg-password-1'],
        [['secret', 'set', 'heartbeat.token'], 'hb-token-1'],
      ] as [string[], string?][]) {
        const r = await jett(args, { home: jettHome, env, ...(stdin ? { stdin } : {}) });
        expect(r.code, r.stderr).toBe(0);
      }
      createLoginItem({ getLoginItemSettings: () => ({ openAtLogin: false }), setLoginItemSettings: () => {} }, { platform: 'linux', env: { HOME: home }, executable: '/opt/Jett/jett' }).set(true);
      const service = keyringService(jettHome);
      const secretTool = async () => String((await execa(resolveBinary('secret-tool')!, ['search', '--all', 'service', service], { env: s.env, extendEnv: false, reject: false, all: true })).all);
      const keyringBefore = await secretTool();

      const results = tempDir('jett-uninstall-results-');
      const run = spawnSync(resolveBinary('unshare')!, ['--mount', '--propagation', 'private', resolveBinary('bash')!, '-c', SCRIPT], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...s.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', R: results, NODE: process.execPath, JETT: path.resolve('bin/jett.mjs'), JETT_HOME: jettHome, SCRATCH: tempDir('jett-uninstall-scratch-'), CHOICE: choice },
      });
      expect(run.status, run.stderr).toBe(0);
      const read = (name: string) => fs.readFileSync(path.join(results, name), 'utf8');
      return {
        home,
        jettHome,
        homeBefore,
        keyringBefore,
        keyringAfter: await secretTool(),
        read,
        list: (name: string) => read(`${name}.list`).trim().split('\n'),
        uninstall: { rc: Number(read('uninstall.rc')), result: JSON.parse(read('uninstall.json')) as UninstallResult, err: read('uninstall.err') },
        again: { rc: Number(read('again.rc')), result: JSON.parse(read('again.json')) as UninstallResult, err: read('again.err') },
      };
    }

    it('--delete-data: helper, sudoers file, config, keyring entries, autostart file and JETT_HOME are gone; the tree is as before', async () => {
      const t = await installAndUninstall('--delete-data');
      const installed = t.list('installed').filter((l) => !t.list('before').includes(l));
      // What the install wrote (the folders it made count too).
      expect(installed.map((l) => l.split(' ')[0])).toEqual(expect.arrayContaining(['/etc/sudoers.d/jett-tunnel', '/usr/local/libexec/jett-tunnel', expect.stringMatching(/^\/etc\/wireguard\/ju\d+\.conf$/)]));
      for (const name of ['tunnel.privateKey', 'tunnel.presharedKey', 'postgres.password', 'heartbeat.token']) expect(t.keyringBefore).toContain(`attribute.username = ${name}`);

      expect(t.uninstall.rc, t.uninstall.err).toBe(0);
      expect(t.uninstall.result.left).toEqual([]);
      expect(t.uninstall.result.dataKept).toBe(false);
      expect(t.uninstall.result.removed).toEqual(expect.arrayContaining(['/etc/sudoers.d/jett-tunnel', '/usr/local/libexec/jett-tunnel', path.join(t.home, '.config', 'autostart', 'jett.desktop'), t.jettHome]));
      // Nothing the install wrote is left: the system folders list exactly as before it, except /usr/local/libexec,
      // the folder the install made (empty, root's 0755, the standard place it would be on any system).
      expect(t.list('after').filter((l) => !t.list('before').includes(l))).toEqual(installed.filter((l) => l.startsWith('/usr/local/libexec ')));
      expect(t.keyringAfter).not.toMatch(/attribute\.username/);
      expect(listTree(path.join(t.home, '.config'))).toEqual(t.homeBefore);

      // Idempotent: the second run finds nothing to remove and says so.
      expect(t.again.rc, t.again.err).toBe(0);
      expect(t.again.result).toMatchObject({ removed: [], left: [] });
    }, 180_000);

    it('--keep-data: the same is removed, JETT_HOME stays (config, database, logs) without any secret', async () => {
      const t = await installAndUninstall('--keep-data');
      expect(t.uninstall.rc, t.uninstall.err).toBe(0);
      expect(t.uninstall.result).toMatchObject({ left: [], dataKept: true });
      expect(t.list('after').filter((l) => !t.list('before').includes(l)).map((l) => l.split(' ')[0])).toEqual(['/usr/local/libexec']);
      expect(t.keyringAfter).not.toMatch(/attribute\.username/);
      expect(fs.existsSync(path.join(t.home, '.config', 'autostart', 'jett.desktop'))).toBe(false);
      expect(fs.existsSync(path.join(t.jettHome, 'config.json'))).toBe(true);
      expect(fs.existsSync(path.join(t.jettHome, 'secrets.json'))).toBe(false);
      expect(t.again.result).toMatchObject({ removed: [], left: [] });
    }, 180_000);
  },
);
