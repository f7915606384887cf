// The bundle's install.sh run for real (bash, install, cmp, chown) inside a sandbox root, with recording stubs for
// what a test machine must not touch (docker, wg, systemctl, ufw): it installs, prints the desktop's next command,
// and a second run changes nothing. A missing prerequisite stops it before any change.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeBundle, type MadeBundle } from './make-bundle.js';

const vpsKeys = generateKeyPair();

/** Stub programs: each appends its argv to LOG; systemctl keeps wg-quick@wg0's state in a file. */
function stubs(dir: string, log: string): Record<string, string> {
  return {
    // n8n's steps read stdin (the credentials, the owner's login): kept in files to check what went there, not argv.
    docker: `#!/bin/bash
case "$*" in
  "compose exec -T n8n node -e "*) echo "docker compose exec -T n8n node -e SCRIPT \${*: -1}" >>"${log}"; cat >>"${dir}/n8n-stdin"; echo created; exit 0 ;;
  "compose exec -T n8n sh -c "*) cat >>"${dir}/n8n-stdin" ;;
esac
echo "docker $*" >>"${log}"
case "$*" in
  "compose ps -q "*) echo "id-\${*: -1}" ;;
  "inspect "*) echo healthy ;;
  "compose exec -T postgres bash /docker-entrypoint-initdb.d/10-jett-roles.sh") ;;
  "compose exec -T postgres psql"*) cat >/dev/null; echo "0001_sync: applied" ;;
esac
exit 0
`,
    wg: `#!/bin/bash
echo "wg $*" >>"${log}"
case "$1" in
  genkey) echo "${vpsKeys.privateKey}" ;;
  pubkey) cat >/dev/null; echo "${vpsKeys.publicKey}" ;;
esac
`,
    // qdrant-setup.sh's requests: argv logged (the key must not be there), the headers it read on stdin kept apart.
    curl: `#!/bin/bash
echo "curl $*" >>"${log}"
cat >>"${dir}/curl-stdin"
case "$*" in
  *" GET "*) printf '%s\\n404' '{"status":{"error":"Not found: Collection jett_memory does not exist"},"time":0.0}' ;;
  *) printf '%s\\n200' '{"result":true,"status":"ok","time":0.0}' ;;
esac
`,
    'wg-quick': `#!/bin/bash\necho "wg-quick $*" >>"${log}"\n`,
    ufw: `#!/bin/bash\necho "ufw $*" >>"${log}"\n`,
    getent: `#!/bin/bash\n[[ "$*" == "group docker" ]] && echo "docker:x:998:" \n`,
    ip: `#!/bin/bash\necho "192.0.2.1 via 203.0.113.1 dev eth0 src 203.0.113.9 uid 0"\n`,
    systemctl: `#!/bin/bash
echo "systemctl $*" >>"${log}"
state="${dir}/wg-active"
case "$*" in
  "is-active --quiet wg-quick@wg0") [[ -f $state ]] ;;
  "start wg-quick@wg0"|"restart wg-quick@wg0") touch "$state" ;;
esac
`,
  };
}

describeWith([root, binary('bash'), binary('install'), binary('cmp')], 'install.sh in a sandbox root', () => {
  let bundle: MadeBundle;
  let sandbox: string;
  let bin: string;
  let log: string;

  beforeAll(async () => {
    bundle = await makeBundle();
    sandbox = tempDir('jett-install-');
    bin = path.join(sandbox, 'bin');
    log = path.join(sandbox, 'calls.log');
    fs.mkdirSync(bin);
    for (const [name, text] of Object.entries(stubs(sandbox, log))) fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  });

  const run = (pathDirs = `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`) =>
    execa(resolveBinary('bash')!, [path.join(bundle.dir, 'install.sh')], { reject: false, env: { PATH: pathDirs, JETT_INSTALL_ROOT: path.join(sandbox, 'root') }, extendEnv: false });
  const calls = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);
  const etc = (rel: string) => path.join(sandbox, 'root', 'etc', rel);
  const mode = (file: string) => fs.statSync(file).mode & 0o777;

  it('a missing prerequisite stops it before anything changes', async () => {
    // PATH: the stubs without ufw, and only the few system programs the script runs before its check.
    const noUfw = path.join(sandbox, 'bin-no-ufw');
    fs.mkdirSync(noUfw);
    for (const f of fs.readdirSync(bin).filter((f) => f !== 'ufw')) fs.copyFileSync(path.join(bin, f), path.join(noUfw, f));
    for (const f of fs.readdirSync(noUfw)) fs.chmodSync(path.join(noUfw, f), 0o755);
    for (const tool of ['dirname', 'id', 'install', 'cmp']) fs.symlinkSync(resolveBinary(tool)!, path.join(noUfw, tool));
    const r = await run(noUfw);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^install: error: missing ufw( iptables)?( age)?( curl)?: apt-get install wireguard-tools ufw iptables age curl, and Docker Engine \(https:\/\/docs\.docker\.com\/engine\/install\/\)$/);
    expect(fs.existsSync(etc('wireguard'))).toBe(false);
    expect(calls()).toEqual([]);
  });

  it('installs: VPS key made on the VPS, wg0.conf 0600, firewall, data folders per uid, stack, schema, n8n credentials, workflows and owner', async () => {
    // A VPS upgraded from a bundle with the old backup container still has that container's password file.
    const stale = path.join(bundle.dir, 'env/backup.env');
    fs.writeFileSync(stale, 'PGPASSWORD=left-by-the-old-backup-container\n', { mode: 0o600 });
    const r = await run();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('made the VPS WireGuard key');
    expect(r.stdout).toContain(`jett tunnel peer --public-key ${vpsKeys.publicKey} --endpoint 203.0.113.9:51820`);

    expect(fs.readFileSync(etc('wireguard/jett-vps.key'), 'utf8').trim()).toBe(vpsKeys.privateKey);
    expect(mode(etc('wireguard/jett-vps.key'))).toBe(0o600);
    expect(fs.readFileSync(etc('wireguard/wg0.conf'), 'utf8')).toBe(fs.readFileSync(path.join(bundle.dir, 'wireguard/wg0.conf'), 'utf8'));
    expect(mode(etc('wireguard/wg0.conf'))).toBe(0o600);
    expect(fs.readFileSync(etc('systemd/system/docker.service.d/jett-wireguard.conf'), 'utf8')).toContain('After=wg-quick@wg0.service');

    const env = fs.readFileSync(path.join(bundle.dir, '.env'), 'utf8');
    expect(env.match(/^DOCKER_GID=.*$/gm)).toEqual(['DOCKER_GID=998']);
    expect(env.match(/^JETT_DATA=.*$/gm)).toEqual([`JETT_DATA=${bundle.dir}/data`]);
    expect(mode(path.join(bundle.dir, '.env'))).toBe(0o600);
    expect(fs.existsSync(stale)).toBe(false);
    const owner = (d: string) => fs.statSync(path.join(bundle.dir, 'data', d)).uid;
    expect([owner('postgres'), owner('backups'), owner('n8n'), owner('qdrant-storage'), owner('qdrant-snapshots'), owner('portainer')]).toEqual([70, 0, 1000, 1000, 1000, 1000]);
    expect(mode(path.join(bundle.dir, 'data', 'backups'))).toBe(0o700);

    // Portainer's generated admin password: readable by its uid only (and root), so no first visitor claims the admin.
    const secret = path.join(bundle.dir, 'secrets/portainer-admin-password');
    expect([fs.statSync(secret).uid, mode(secret), mode(path.join(bundle.dir, 'secrets'))]).toEqual([1000, 0o400, 0o700]);

    // The DOCKER-USER rule, persisted where ufw loads it at boot and on reload, for the bundle's tunnel address.
    const after = fs.readFileSync(etc('ufw/after.rules'), 'utf8');
    expect(after).toContain('*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -m conntrack --ctorigdst 10.0.0.2/32 --ctdir ORIGINAL ! -i wg0 -j DROP\n-A DOCKER-USER -j RETURN\nCOMMIT\n');

    // Encrypted backups on a timer, running the bundle's backup.sh as root.
    expect(fs.readFileSync(etc('systemd/system/jett-backup.service'), 'utf8')).toContain(`ExecStart=${bundle.dir}/backup/backup.sh`);
    expect(fs.readFileSync(etc('systemd/system/jett-backup.timer'), 'utf8')).toContain('OnUnitActiveSec=24h');

    const c = calls();
    expect(c).toEqual(expect.arrayContaining(['systemctl enable wg-quick@wg0', 'systemctl start wg-quick@wg0', 'systemctl daemon-reload']));
    expect(c).toEqual(expect.arrayContaining(['ufw default deny incoming', 'ufw default allow outgoing', "ufw limit 22/tcp comment SSH (rate-limited)", 'ufw allow 51820/udp comment WireGuard', 'ufw --force enable', 'ufw reload']));
    expect(c).toEqual(expect.arrayContaining(['systemctl enable --now jett-backup.timer']));
    expect(c).toEqual(expect.arrayContaining(['docker compose pull --quiet', 'docker compose up -d --remove-orphans']));
    // The roles first, then each migration through the superuser's local socket (it does SET ROLE jett_owner).
    const roles = c.indexOf('docker compose exec -T postgres bash /docker-entrypoint-initdb.d/10-jett-roles.sh');
    const migrate = c.findIndex((l) => l.startsWith('docker compose exec -T postgres psql -U postgres -d jett'));
    expect(roles).toBeGreaterThan(-1);
    expect(migrate).toBeGreaterThan(roles);
    // n8n: the credentials (through stdin), the workflows, each activated by its id, a restart to load them, the owner.
    const workflows = fs.readdirSync(path.join(bundle.dir, 'n8n')).filter((f) => f.endsWith('.json'));
    expect(workflows.length).toBeGreaterThan(0);
    const ids = workflows.map((f) => (JSON.parse(fs.readFileSync(path.join(bundle.dir, 'n8n', f), 'utf8')) as { id: string }).id);
    const n8nCalls = c.filter((l) => l.includes(' n8n') && !l.startsWith('docker compose ps'));
    expect(n8nCalls.map((l) => l.replace(/sh -c .*/s, 'sh -c …'))).toEqual([
      'docker compose exec -T n8n sh -c …',
      'docker compose exec -T n8n n8n import:workflow --separate --input=/opt/jett-workflows',
      ...ids.map((id) => `docker compose exec -T n8n n8n update:workflow --id=${id} --active=true`),
      'docker compose restart n8n',
      'docker compose exec -T n8n node -e SCRIPT http://127.0.0.1:5678',
    ]);
    expect(c.find((l) => l.includes('sh -c'))).toContain('n8n import:credentials --input="$f"');
    const stdin = fs.readFileSync(path.join(sandbox, 'n8n-stdin'), 'utf8');
    const envValue = (file: string, key: string) => new RegExp(`^${key}=(.+)$`, 'm').exec(fs.readFileSync(path.join(bundle.dir, 'env', file), 'utf8'))![1]!;
    const secrets = [envValue('postgres.env', 'JETT_N8N_DB_PASSWORD'), envValue('desktop.env', 'JETT_DESKTOP_TOKEN'), envValue('n8n-owner.env', 'N8N_OWNER_PASSWORD')];
    for (const secret of secrets) {
      expect(stdin).toContain(secret);
      expect(c.join('\n')).not.toContain(secret);
    }
    expect(r.stdout).toContain("n8n's owner account owner@jett.internal created");
    // The memory collection: asked for, then made with the embedding size; the Qdrant key only on curl's stdin.
    const qdrantKey = envValue('qdrant.env', 'QDRANT__SERVICE__API_KEY');
    const curls = c.filter((l) => l.startsWith('curl '));
    expect(curls).toEqual([
      'curl --silent --show-error --max-time 60 --header @- -X GET --write-out \\n%{http_code} http://10.0.0.2:6333/collections/jett_memory',
      'curl --silent --show-error --max-time 60 --header @- -X PUT --write-out \\n%{http_code} --data-binary {"vectors":{"size":384,"distance":"Cosine"}} http://10.0.0.2:6333/collections/jett_memory',
    ]);
    expect(fs.readFileSync(path.join(sandbox, 'curl-stdin'), 'utf8')).toContain(`api-key: ${qdrantKey}`);
    expect(c.join('\n')).not.toContain(qdrantKey);
    expect(r.stdout).toContain('created collection jett_memory (384 dimensions, cosine)');
    // The private key never reaches a command line.
    expect(c.join('\n')).not.toContain(vpsKeys.privateKey);
  });

  it('is safe to run twice: same key, no restart, no duplicate settings', async () => {
    fs.writeFileSync(log, '');
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain('made the VPS WireGuard key');
    expect(fs.readFileSync(etc('wireguard/jett-vps.key'), 'utf8').trim()).toBe(vpsKeys.privateKey);
    const c = calls();
    expect(c.filter((l) => /^systemctl (start|restart|daemon-reload)/.test(l))).toEqual([]);
    expect(c.filter((l) => l.startsWith('wg genkey'))).toEqual([]);
    expect(fs.readFileSync(path.join(bundle.dir, '.env'), 'utf8').match(/^DOCKER_GID=/gm)).toHaveLength(1);
    // The after.rules block is not doubled, and ufw is not reloaded for nothing.
    expect(fs.readFileSync(etc('ufw/after.rules'), 'utf8').match(/^# BEGIN jett DOCKER-USER/gm)).toHaveLength(1);
    expect(c).not.toContain('ufw reload');
  });

  it('restarts the tunnel when the bundle brings a changed wg0.conf', async () => {
    fs.writeFileSync(log, '');
    const conf = path.join(bundle.dir, 'wireguard/wg0.conf');
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace('ListenPort = 51820', 'ListenPort = 51821'));
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(calls()).toEqual(expect.arrayContaining(['systemctl restart wg-quick@wg0', 'ufw allow 51821/udp comment WireGuard']));
    expect(fs.readFileSync(etc('wireguard/wg0.conf'), 'utf8')).toContain('ListenPort = 51821');
  });
});
