// `jett vps bundle`: the folder it writes is complete, passes its own audit, keeps secrets 0600, holds no desktop
// secret, stores the sync's password in the desktop's store, and keeps an earlier bundle's passwords on --force.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { VpsBundleReportSchema, type VpsBundleReport } from '../../../main/core/contracts/vps.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { VPS_PRIVATE_KEY_FILE } from '../../../main/core/tunnel/config.js';
import { parseWgConfig } from '../../../main/core/tunnel/wg-config.js';
import { generateKeyPair, generatePresharedKey } from '../../../main/core/tunnel/keys.js';
import { auditComposeFile } from '../../../main/core/vps/audit-compose.js';
import { resourcesRoot, writeVpsBundle } from '../../../main/core/vps/bundle.js';
import { parseEnvFile } from '../../../main/core/vps/env-files.js';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

async function homeWithKey(): Promise<{ home: string; keys: ReturnType<typeof generateKeyPair> }> {
  const home = tempDir();
  const keys = generateKeyPair();
  const r = await jett(['secret', 'set', 'tunnel.privateKey'], { home, stdin: `${keys.privateKey}\n` });
  expect(r.code).toBe(0);
  return { home, keys };
}

describe('jett vps bundle', () => {
  let home: string;
  let keys: ReturnType<typeof generateKeyPair>;
  let out: string;
  let report: VpsBundleReport;

  beforeAll(async () => {
    ({ home, keys } = await homeWithKey());
    out = path.join(tempDir(), 'jett');
    const r = await jett(['vps', 'bundle', '--out', out, '--n8n-hostname', 'n8n.jett.example.org', '--portainer-hostname', 'docker.jett.example.org', '--timezone', 'UTC', '--json'], { home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    report = VpsBundleReportSchema.parse(JSON.parse(r.stdout));
  });

  it('writes every part of the VPS side', () => {
    for (const f of [
      'docker-compose.yml',
      '.env',
      'env/postgres.env',
      'env/n8n.env',
      'env/qdrant.env',
      'env/backup.env',
      'wireguard/wg0.conf',
      'install.sh',
      'ufw.sh',
      'restore.sh',
      'apply-migrations.sh',
      'backup/backup.sh',
      'postgres/init/10-jett-roles.sh',
      'postgres/pg_hba.conf',
      'cloudflared/config.yml',
      'README.md',
    ]) {
      expect(report.files).toContain(f);
      expect(fs.existsSync(path.join(out, f))).toBe(true);
    }
    expect(report.dir).toBe(out);
    expect(report.vpsAddress).toBe('10.0.0.2');
    expect(report.desktopPublicKey).toBe(keys.publicKey);
  });

  it('passes its own audit with no finding', () => {
    const audit = auditComposeFile(path.join(out, 'docker-compose.yml'), { tunnelAddress: '10.0.0.2' });
    expect(audit.findings).toEqual([]);
    expect(audit.services).toEqual(['postgres', 'n8n', 'qdrant', 'socket-proxy', 'portainer', 'backup']);
  });

  it('pins every image and publishes ports on the tunnel address only', () => {
    const compose = parseYaml(fs.readFileSync(path.join(out, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { image: string; ports?: string[] }> };
    for (const svc of Object.values(compose.services)) {
      expect(svc.image).toMatch(/:[v\d][\w.-]*\d/);
      for (const p of svc.ports ?? []) expect(p).toMatch(/^10\.0\.0\.2:\d+:\d+$/);
    }
    expect(Object.values(report.images)).toContain(compose.services.postgres!.image);
  });

  it('keeps secrets owner-only: the folder 0700, .env, env/*.env and wg0.conf 0600; scripts executable', () => {
    expect(mode(out)).toBe(0o700);
    expect(mode(path.join(out, 'env'))).toBe(0o700);
    for (const f of ['.env', 'env/postgres.env', 'env/n8n.env', 'env/qdrant.env', 'env/backup.env', 'wireguard/wg0.conf']) expect(mode(path.join(out, f))).toBe(0o600);
    for (const f of ['install.sh', 'ufw.sh', 'restore.sh', 'apply-migrations.sh', 'backup/backup.sh', 'postgres/init/10-jett-roles.sh']) expect(mode(path.join(out, f))).toBe(0o755);
    // The containers read these through bind mounts as uid 70 and 1000.
    for (const d of ['backup', 'postgres/init', 'n8n']) expect(mode(path.join(out, d))).toBe(0o755);
  });

  it('holds no desktop secret: the private key appears nowhere, wg0.conf names the desktop by public key', () => {
    for (const f of allFiles(out)) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toContain(keys.privateKey);
    const wg = parseWgConfig(fs.readFileSync(path.join(out, 'wireguard/wg0.conf'), 'utf8'));
    expect(wg.interface.privateKey).toBeNull();
    expect(wg.interface.addresses).toEqual(['10.0.0.2/24']);
    expect(wg.interface.listenPort).toBe(51820);
    expect(wg.interface.postUp).toEqual(['wg set %i private-key /etc/wireguard/jett-vps.key']);
    expect(wg.peers).toEqual([{ publicKey: keys.publicKey, presharedKey: null, allowedIPs: ['10.0.0.1/32'], endpoint: null, persistentKeepalive: null }]);
    // install.sh makes the key where the PostUp line (the tunnel module's VPS_PRIVATE_KEY_FILE) loads it from.
    expect(VPS_PRIVATE_KEY_FILE).toBe('/etc/wireguard/jett-vps.key');
    expect(fs.readFileSync(path.join(out, 'install.sh'), 'utf8')).toContain('VPS_KEY=$ETC/wireguard/jett-vps.key');
  });

  it('generates distinct random passwords and stores the sync\'s as secret postgres.password', async () => {
    const pg = parseEnvFile(fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8'));
    const n8n = parseEnvFile(fs.readFileSync(path.join(out, 'env/n8n.env'), 'utf8'));
    const qdrant = parseEnvFile(fs.readFileSync(path.join(out, 'env/qdrant.env'), 'utf8'));
    const backup = parseEnvFile(fs.readFileSync(path.join(out, 'env/backup.env'), 'utf8'));
    const secrets = [
      pg.get('POSTGRES_PASSWORD'),
      pg.get('JETT_DB_PASSWORD'),
      pg.get('N8N_DB_PASSWORD'),
      pg.get('JETT_N8N_DB_PASSWORD'),
      pg.get('JETT_BACKUP_DB_PASSWORD'),
      n8n.get('N8N_ENCRYPTION_KEY'),
      qdrant.get('QDRANT__SERVICE__API_KEY'),
    ];
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(n8n.get('DB_POSTGRESDB_PASSWORD')).toBe(pg.get('N8N_DB_PASSWORD'));
    // The backup job logs in as its read-only role, never as the superuser.
    expect([...backup.keys()]).toEqual(['PGPASSWORD']);
    expect(backup.get('PGPASSWORD')).toBe(pg.get('JETT_BACKUP_DB_PASSWORD'));
    expect(pg.get('JETT_DB_USER')).toBe('jett');
    expect(pg.get('JETT_DB_NAME')).toBe('jett');
    expect(report.storedSecrets).toEqual(['postgres.password', 'heartbeat.token']);
    const store = new FileSecretStore(path.join(home, 'secrets.json'));
    expect(await store.get('postgres.password')).toBe(pg.get('JETT_DB_PASSWORD'));
  });

  it('starts PostgreSQL with its own pg_hba.conf: the superuser local only, the desktop from its tunnel address, SCRAM', () => {
    const compose = parseYaml(fs.readFileSync(path.join(out, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command?: string[]; volumes?: string[]; environment?: Record<string, string> }> };
    const pgService = compose.services.postgres!;
    expect(pgService.command).toEqual(['postgres', '-c', 'hba_file=/etc/jett/pg_hba.conf', '-c', 'password_encryption=scram-sha-256']);
    expect(pgService.volumes).toContain('./postgres/pg_hba.conf:/etc/jett/pg_hba.conf:ro');
    expect(compose.services.backup!.environment!.PGUSER).toBe('jett_backup');
    const hba = fs
      .readFileSync(path.join(out, 'postgres/pg_hba.conf'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.trim().split(/\s+/).join(' '));
    expect(hba).toEqual([
      'local all postgres peer',
      'host all postgres all reject',
      'host jett jett 10.0.0.1/32 scram-sha-256',
      'host all all 10.0.0.1/32 reject',
      'host jett jett_n8n samenet scram-sha-256',
      'host jett jett_backup samenet scram-sha-256',
      'host n8n jett_backup samenet scram-sha-256',
      'host n8n n8n samenet scram-sha-256',
    ]);
  });

  it('makes the desktop\'s webhook token: in the 0600 env/desktop.env for n8n, and as secret heartbeat.token', async () => {
    const token = parseEnvFile(fs.readFileSync(path.join(out, 'env/desktop.env'), 'utf8')).get('JETT_DESKTOP_TOKEN');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mode(path.join(out, 'env/desktop.env'))).toBe(0o600);
    expect(await new FileSecretStore(path.join(home, 'secrets.json')).get('heartbeat.token')).toBe(token);
  });

  it('the cloudflared ingress list names the hostnames and ends in a 404', () => {
    const cf = parseYaml(fs.readFileSync(path.join(out, 'cloudflared/config.yml'), 'utf8')) as { ingress: { hostname?: string; service: string }[] };
    expect(cf.ingress.at(-1)).toEqual({ service: 'http_status:404' });
    for (const rule of cf.ingress.slice(0, -1)) {
      expect(['n8n.jett.example.org', 'docker.jett.example.org']).toContain(rule.hostname);
      expect(rule.service).toMatch(/^http:\/\/10\.0\.0\.2:(5678|9000)$/);
    }
    for (const f of allFiles(out)) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toMatch(/@@[A-Z0-9_]+@@/);
  });

  it('copies the server migrations and the n8n workflows as they are', () => {
    const res = resourcesRoot();
    for (const [from, to] of [[path.join(res, 'migrations', 'server'), 'migrations'], [path.join(res, 'vps', 'n8n'), 'n8n']] as const) {
      const want = fs.existsSync(from) ? fs.readdirSync(from).filter((f) => fs.statSync(path.join(from, f)).isFile()) : [];
      expect(fs.readdirSync(path.join(out, to)).sort()).toEqual(want.sort());
      for (const f of want) expect(fs.readFileSync(path.join(out, to, f), 'utf8')).toBe(fs.readFileSync(path.join(from, f), 'utf8'));
    }
  });

  it('refuses a folder that has files; --force rewrites it and keeps its passwords', async () => {
    const again = await jett(['vps', 'bundle', '--out', out], { home });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');
    expect(again.stderr).toContain('--force');
    const before = fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8');
    const forced = await jett(['vps', 'bundle', '--out', out, '--force', '--json'], { home });
    expect(forced.code).toBe(0);
    expect(VpsBundleReportSchema.parse(JSON.parse(forced.stdout)).storedSecrets).toEqual([]);
    expect(fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8')).toBe(before);
    expect(mode(path.join(out, 'env/postgres.env'))).toBe(0o600);
  });

  it('on --force, the bundle\'s password (the one the VPS database has) wins and the desktop store follows it', async () => {
    const inBundle = parseEnvFile(fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8')).get('JETT_DB_PASSWORD');
    await jett(['secret', 'set', 'postgres.password'], { home, stdin: 'a-password-the-vps-never-saw' });
    await jett(['secret', 'set', 'heartbeat.token'], { home, stdin: 'a-token-n8n-never-saw' });
    const forced = await jett(['vps', 'bundle', '--out', out, '--force', '--json'], { home });
    expect(VpsBundleReportSchema.parse(JSON.parse(forced.stdout)).storedSecrets).toEqual(['postgres.password', 'heartbeat.token']);
    expect(parseEnvFile(fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8')).get('JETT_DB_PASSWORD')).toBe(inBundle);
    expect(await new FileSecretStore(path.join(home, 'secrets.json')).get('postgres.password')).toBe(inBundle);
  });
});

describe('jett vps bundle: inputs', () => {
  it('without a desktop key: an error that says to make one, and nothing written', async () => {
    const home = tempDir();
    const out = path.join(tempDir(), 'b');
    const r = await jett(['vps', 'bundle', '--out', out], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the desktop has no WireGuard key yet');
    expect(r.stderr).toContain('jett keys generate');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('uses a password the desktop already stores, and puts a preshared key in the 0600 wg0.conf', async () => {
    const { home } = await homeWithKey();
    const psk = generatePresharedKey();
    await jett(['secret', 'set', 'postgres.password'], { home, stdin: 'already-known-password-0123456789' });
    await jett(['secret', 'set', 'heartbeat.token'], { home, stdin: 'already-known-token-0123456789' });
    await jett(['secret', 'set', 'tunnel.presharedKey'], { home, stdin: psk });
    const out = path.join(tempDir(), 'b');
    const r = await jett(['vps', 'bundle', '--out', out, '--json'], { home });
    expect(r.code).toBe(0);
    expect(VpsBundleReportSchema.parse(JSON.parse(r.stdout)).storedSecrets).toEqual([]);
    expect(parseEnvFile(fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8')).get('JETT_DB_PASSWORD')).toBe('already-known-password-0123456789');
    expect(parseEnvFile(fs.readFileSync(path.join(out, 'env/desktop.env'), 'utf8')).get('JETT_DESKTOP_TOKEN')).toBe('already-known-token-0123456789');
    expect(parseWgConfig(fs.readFileSync(path.join(out, 'wireguard/wg0.conf'), 'utf8')).peers[0]!.presharedKey).toBe(psk);
  });

  it('follows the tunnel and database config', async () => {
    const { home } = await homeWithKey();
    for (const [k, v] of [['tunnel.address', '10.44.0.1/24'], ['tunnel.peerAddress', '10.44.0.2'], ['tunnel.listenPort', '51999'], ['postgres.user', 'sync'], ['postgres.database', 'events']]) {
      expect((await jett(['config', 'set', k!, v!], { home })).code).toBe(0);
    }
    const out = path.join(tempDir(), 'b');
    expect((await jett(['vps', 'bundle', '--out', out], { home })).code).toBe(0);
    const wg = parseWgConfig(fs.readFileSync(path.join(out, 'wireguard/wg0.conf'), 'utf8'));
    expect(wg.interface.addresses).toEqual(['10.44.0.2/24']);
    expect(wg.interface.listenPort).toBe(51999);
    expect(wg.peers[0]!.allowedIPs).toEqual(['10.44.0.1/32']);
    expect(auditComposeFile(path.join(out, 'docker-compose.yml'), { tunnelAddress: '10.44.0.2' }).findings).toEqual([]);
    const pg = parseEnvFile(fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8'));
    expect([pg.get('JETT_DB_USER'), pg.get('JETT_DB_NAME')]).toEqual(['sync', 'events']);
  });

  it('refuses bad hostnames, backup settings, time zones and role names with a fix', async () => {
    const { home } = await homeWithKey();
    const out = () => path.join(tempDir(), 'b');
    const cases: [string[], RegExp][] = [
      [['--n8n-hostname', 'not a host'], /--n8n-hostname "not a host" is not a host name/],
      [['--backup-hours', '0'], /--backup-hours must be a whole number from 1 to 168/],
      [['--backup-days', 'x'], /--backup-days "x" is not a whole number/],
      [['--timezone', 'Europe/Berlin; rm -rf /'], /is not a time zone name/],
    ];
    for (const [args, message] of cases) {
      const r = await jett(['vps', 'bundle', '--out', out(), ...args], { home });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('fix:');
    }
    await jett(['config', 'set', 'postgres.user', 'n8n'], { home });
    const r = await jett(['vps', 'bundle', '--out', out()], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('postgres.user "n8n" cannot name the sync');
    // Nor may the desktop log in as the role that owns the schema.
    await jett(['config', 'set', 'postgres.user', 'jett_owner'], { home });
    const owner = await jett(['vps', 'bundle', '--out', out()], { home });
    expect(owner.code).toBe(1);
    expect(owner.stderr).toContain('postgres.user "jett_owner" cannot name the sync');
  });

  it('an empty or absent n8n workflow folder is fine', async () => {
    const res = tempDir();
    fs.cpSync(path.join(resourcesRoot(), 'vps'), path.join(res, 'vps'), { recursive: true });
    fs.rmSync(path.join(res, 'vps', 'n8n'), { recursive: true, force: true });
    const secrets = new FileSecretStore(path.join(tempDir(), 'secrets.json'));
    await secrets.set('tunnel.privateKey', generateKeyPair().privateKey);
    const out = path.join(tempDir(), 'b');
    const report = await writeVpsBundle({
      outDir: out,
      force: false,
      config: ConfigSchema.parse({}),
      secrets,
      n8nHostname: 'n8n.example.org',
      portainerHostname: 'portainer.example.org',
      timezone: 'UTC',
      backup: { intervalHours: 24, keepDays: 14 },
      resourcesDir: path.join(res, 'vps'),
      migrationsDir: path.join(res, 'no-such-folder'),
    });
    expect(report.files.filter((f) => f.startsWith('n8n/') || f.startsWith('migrations/'))).toEqual([]);
    expect(fs.readdirSync(path.join(out, 'n8n'))).toEqual([]);
  });
});
