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
import { generateAgeKeyPair, recipientOfIdentity } from '../../../main/core/vps/age-keys.js';
import { resourcesRoot, writeVpsBundle } from '../../../main/core/vps/bundle.js';
import { parseEnvFile } from '../../../main/core/vps/env-files.js';
import { renderWorkflows } from '../../../main/core/vps/n8n-workflows.js';
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
      'env/n8n-owner.env',
      'secrets/portainer-admin-password',
      'backup/recipients.txt',
      'wireguard/wg0.conf',
      'install.sh',
      'ufw.sh',
      'restore.sh',
      'apply-migrations.sh',
      'n8n-setup.sh',
      'qdrant-setup.sh',
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

  it('passes its own audit: no open finding, and the Portainer proxy\'s container writes shown as accepted, still high', () => {
    const audit = auditComposeFile(path.join(out, 'docker-compose.yml'), { tunnelAddress: '10.0.0.2' });
    expect(audit.counts).toEqual({ high: 0, medium: 0, low: 0, accepted: 1 });
    expect(audit.findings).toEqual([expect.objectContaining({ service: 'socket-proxy', rule: 'docker-api-writes', severity: 'high', accepted: expect.stringMatching(/WireGuard/) })]);
    expect(audit.services).toEqual(['postgres', 'n8n', 'qdrant', 'socket-proxy', 'portainer']);
  });

  it("creates Portainer's admin from a generated 0600 password file, mounted read-only as a secret: no first-visitor window", () => {
    const password = fs.readFileSync(path.join(out, 'secrets/portainer-admin-password'), 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mode(path.join(out, 'secrets/portainer-admin-password'))).toBe(0o600);
    expect(mode(path.join(out, 'secrets'))).toBe(0o700);
    const compose = parseYaml(fs.readFileSync(path.join(out, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { command?: string[]; secrets?: string[]; environment: Record<string, string> }>;
      secrets: Record<string, { file: string }>;
    };
    const portainer = compose.services.portainer!;
    expect(portainer.command).toEqual(['-H', 'tcp://socket-proxy:2375', '--admin-password-file', '/run/secrets/portainer_admin_password']);
    expect(portainer.secrets).toEqual(['portainer_admin_password']);
    expect(compose.secrets).toEqual({ portainer_admin_password: { file: './secrets/portainer-admin-password' } });
    // Not in the compose file or any env file: only the secret file holds it.
    for (const f of allFiles(out).filter((f) => !f.startsWith('secrets/'))) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toContain(password);
    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toContain('/opt/jett/secrets/portainer-admin-password');
  });

  it('the editor is not published: n8n keeps N8N_SECURE_COOKIE=false, for plain HTTP inside the tunnel', () => {
    const compose = parseYaml(fs.readFileSync(path.join(out, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment: Record<string, string> }> };
    expect(compose.services.n8n!.environment.N8N_SECURE_COOKIE).toBe('false');
    expect(compose.services.n8n!.environment.N8N_HOST).toBe('10.0.0.2');
    expect(report.published).toEqual([]);
  });

  it('encrypts backups to a key made on the desktop (0600 in JETT_HOME), whose private half is nowhere in the bundle', () => {
    const identityFile = path.join(home, 'backup-identity.txt');
    expect(report.backupIdentityFile).toBe(identityFile);
    expect(mode(identityFile)).toBe(0o600);
    const identity = fs.readFileSync(identityFile, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
    expect(recipientOfIdentity(identity)).toBe(report.backupRecipient);
    expect(fs.readFileSync(path.join(out, 'backup/recipients.txt'), 'utf8')).toContain(report.backupRecipient);
    for (const f of allFiles(out)) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toContain(identity);
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
    for (const f of ['.env', 'env/postgres.env', 'env/n8n.env', 'env/qdrant.env', 'env/n8n-owner.env', 'wireguard/wg0.conf']) expect(mode(path.join(out, f))).toBe(0o600);
    for (const f of ['install.sh', 'ufw.sh', 'restore.sh', 'apply-migrations.sh', 'backup/backup.sh', 'postgres/init/10-jett-roles.sh']) expect(mode(path.join(out, f))).toBe(0o755);
    // The containers read postgres/init and n8n through bind mounts as uid 70 and 1000; backup/ holds only public parts.
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
    expect(pg.get('JETT_DB_USER')).toBe('jett');
    expect(pg.get('JETT_DB_NAME')).toBe('jett');
    expect(report.storedSecrets).toEqual(['postgres.password', 'heartbeat.token', 'qdrant.apiKey']);
    const store = new FileSecretStore(path.join(home, 'secrets.json'));
    expect(await store.get('postgres.password')).toBe(pg.get('JETT_DB_PASSWORD'));
  });

  it('starts PostgreSQL with its own pg_hba.conf: the superuser and the backup role local only, the desktop from its tunnel address, SCRAM', () => {
    const compose = parseYaml(fs.readFileSync(path.join(out, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command?: string[]; volumes?: string[]; environment?: Record<string, string> }> };
    const pgService = compose.services.postgres!;
    expect(pgService.command).toEqual(['postgres', '-c', 'hba_file=/etc/jett/pg_hba.conf', '-c', 'password_encryption=scram-sha-256']);
    expect(pgService.volumes).toContain('./postgres/pg_hba.conf:/etc/jett/pg_hba.conf:ro');
    // No backup container and no password file for one: backup/backup.sh runs pg_dump inside this container.
    expect(Object.keys(compose.services)).not.toContain('backup');
    expect(fs.existsSync(path.join(out, 'env/backup.env'))).toBe(false);
    const hba = fs
      .readFileSync(path.join(out, 'postgres/pg_hba.conf'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.trim().split(/\s+/).join(' '));
    expect(hba).toEqual([
      'local all postgres peer',
      'host all postgres all reject',
      'local jett jett_backup scram-sha-256',
      'local n8n jett_backup scram-sha-256',
      'host jett jett 10.0.0.1/32 scram-sha-256',
      'host all all 10.0.0.1/32 reject',
      'host jett jett_n8n samenet scram-sha-256',
      'host n8n n8n samenet scram-sha-256',
    ]);
  });

  it('makes n8n\'s owner login for install.sh: a password n8n accepts (8-64 characters, a digit, a capital), kept by --force', () => {
    const owner = parseEnvFile(fs.readFileSync(path.join(out, 'env/n8n-owner.env'), 'utf8'));
    expect(owner.get('N8N_OWNER_EMAIL')).toBe('owner@jett.internal');
    const password = owner.get('N8N_OWNER_PASSWORD')!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(password).toMatch(/\d/);
    expect(password).toMatch(/[A-Z]/);
  });

  it('makes the desktop\'s webhook token: in the 0600 env/desktop.env for n8n, and as secret heartbeat.token', async () => {
    const token = parseEnvFile(fs.readFileSync(path.join(out, 'env/desktop.env'), 'utf8')).get('JETT_DESKTOP_TOKEN');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mode(path.join(out, 'env/desktop.env'))).toBe(0o600);
    expect(await new FileSecretStore(path.join(home, 'secrets.json')).get('heartbeat.token')).toBe(token);
  });

  it('by default the cloudflared ingress publishes only n8n\'s /webhook/ paths, then a 404: no editor, no Portainer', () => {
    const cf = parseYaml(fs.readFileSync(path.join(out, 'cloudflared/config.yml'), 'utf8')) as { ingress: Record<string, unknown>[] };
    expect(cf.ingress).toEqual([{ hostname: 'n8n.jett.example.org', path: '^/webhook/', service: 'http://10.0.0.2:5678' }, { service: 'http_status:404' }]);
    // What cloudflared would route: the first rule whose hostname and path regex match, as cloudflared matches them.
    const route = (host: string, p: string) => cf.ingress.find((r) => (r.hostname === undefined || r.hostname === host) && (r.path === undefined || new RegExp(String(r.path)).test(p)))!.service;
    expect(route('n8n.jett.example.org', '/webhook/desktop-request')).toBe('http://10.0.0.2:5678');
    for (const p of ['/', '/signin', '/rest/login', '/setup', '/webhook-test/x', '/api/v1/workflows', '/x/webhook/']) expect(route('n8n.jett.example.org', p)).toBe('http_status:404');
    expect(route('docker.jett.example.org', '/')).toBe('http_status:404');
    for (const f of allFiles(out)) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toMatch(/@@[A-Z0-9_]+@@/);
  });

  it('copies the server migrations as they are, and renders the n8n workflows for import (a minute\'s detector)', () => {
    const res = resourcesRoot();
    const migrations = path.join(res, 'migrations', 'server');
    const want = fs.readdirSync(migrations).filter((f) => fs.statSync(path.join(migrations, f)).isFile());
    expect(fs.readdirSync(path.join(out, 'migrations')).sort()).toEqual(want.sort());
    for (const f of want) expect(fs.readFileSync(path.join(out, 'migrations', f), 'utf8')).toBe(fs.readFileSync(path.join(migrations, f), 'utf8'));
    const rendered = renderWorkflows(path.join(res, 'vps', 'n8n'), { detectorEveryS: 60 });
    expect(fs.readdirSync(path.join(out, 'n8n')).sort()).toEqual(rendered.map((w) => w.file));
    for (const w of rendered) expect(fs.readFileSync(path.join(out, 'n8n', w.file), 'utf8')).toBe(w.text);
  });

  it('refuses a folder that has files; --force rewrites it and keeps its passwords', async () => {
    const again = await jett(['vps', 'bundle', '--out', out], { home });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');
    expect(again.stderr).toContain('--force');
    const before = fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8');
    const ownerBefore = fs.readFileSync(path.join(out, 'env/n8n-owner.env'), 'utf8');
    const forced = await jett(['vps', 'bundle', '--out', out, '--force', '--json'], { home });
    expect(forced.code).toBe(0);
    expect(VpsBundleReportSchema.parse(JSON.parse(forced.stdout)).storedSecrets).toEqual([]);
    expect(fs.readFileSync(path.join(out, 'env/postgres.env'), 'utf8')).toBe(before);
    expect(fs.readFileSync(path.join(out, 'env/n8n-owner.env'), 'utf8')).toBe(ownerBefore);
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

describe('jett vps bundle: publishing an admin interface', () => {
  const AUD = 'a'.repeat(64);

  it('refuses --publish-editor or --publish-portainer without Cloudflare Access, and writes nothing', async () => {
    const { home } = await homeWithKey();
    for (const flag of ['--publish-editor', '--publish-portainer']) {
      const out = path.join(tempDir(), 'b');
      const r = await jett(['vps', 'bundle', '--out', out, flag], { home });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${flag} would put an admin interface on the internet without Cloudflare Access`);
      expect(r.stderr).toContain('--access-team TEAM --access-aud AUD_TAG');
      expect(fs.existsSync(out)).toBe(false);
    }
    const half = await jett(['vps', 'bundle', '--out', path.join(tempDir(), 'b'), '--publish-portainer', '--access-team', 'myteam'], { home });
    expect(half.code).not.toBe(0);
    expect(half.stderr).toContain('--access-team and --access-aud go together');
    const badAud = await jett(['vps', 'bundle', '--out', path.join(tempDir(), 'b'), '--publish-portainer', '--access-team', 'myteam', '--access-aud', 'xyz'], { home });
    expect(badAud.code).toBe(1);
    expect(badAud.stderr).toContain('is not an Access audience tag');
  });

  it('published with Access: cloudflared itself requires the Access token on the editor and Portainer; webhooks stay open; secure cookies', async () => {
    const { home } = await homeWithKey();
    const out = path.join(tempDir(), 'b');
    const r = await jett(
      ['vps', 'bundle', '--out', out, '--n8n-hostname', 'n8n.jett.example.org', '--portainer-hostname', 'docker.jett.example.org', '--publish-editor', '--publish-portainer', '--access-team', 'myteam', '--access-aud', AUD, '--json'],
      { home },
    );
    expect(r.code).toBe(0);
    expect(VpsBundleReportSchema.parse(JSON.parse(r.stdout)).published).toEqual(['https://n8n.jett.example.org/', 'https://docker.jett.example.org/']);
    const cf = parseYaml(fs.readFileSync(path.join(out, 'cloudflared/config.yml'), 'utf8')) as { ingress: Record<string, unknown>[] };
    const access = { access: { required: true, teamName: 'myteam', audTag: [AUD] } };
    expect(cf.ingress).toEqual([
      { hostname: 'n8n.jett.example.org', path: '^/webhook/', service: 'http://10.0.0.2:5678' },
      { hostname: 'n8n.jett.example.org', service: 'http://10.0.0.2:5678', originRequest: access },
      { hostname: 'docker.jett.example.org', service: 'http://10.0.0.2:9000', originRequest: access },
      { service: 'http_status:404' },
    ]);
    // No route to an admin interface without Access: every rule is the webhook path, guarded, or the 404.
    for (const rule of cf.ingress) expect(rule.path === '^/webhook/' || rule.service === 'http_status:404' || (rule.originRequest as typeof access | undefined)?.access.required === true).toBe(true);
    const compose = parseYaml(fs.readFileSync(path.join(out, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment: Record<string, string> }> };
    expect(compose.services.n8n!.environment).toMatchObject({ N8N_SECURE_COOKIE: 'true', N8N_HOST: 'n8n.jett.example.org', N8N_EDITOR_BASE_URL: 'https://n8n.jett.example.org/' });
    expect(auditComposeFile(path.join(out, 'docker-compose.yml'), { tunnelAddress: '10.0.0.2' }).counts).toEqual({ high: 0, medium: 0, low: 0, accepted: 1 });
  });

  it('uses a given age recipient instead of making a key, and refuses one that is not an age key', async () => {
    const { home } = await homeWithKey();
    const { recipient } = generateAgeKeyPair();
    const out = path.join(tempDir(), 'b');
    const r = await jett(['vps', 'bundle', '--out', out, '--backup-recipient', recipient, '--json'], { home });
    expect(r.code).toBe(0);
    const rep = VpsBundleReportSchema.parse(JSON.parse(r.stdout));
    expect([rep.backupRecipient, rep.backupIdentityFile]).toEqual([recipient, null]);
    expect(fs.existsSync(path.join(home, 'backup-identity.txt'))).toBe(false);
    // One character changed (never to itself: a key ending in q stays valid with q), which the checksum catches.
    const tampered = `${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`;
    const bad = await jett(['vps', 'bundle', '--out', path.join(tempDir(), 'b'), '--backup-recipient', tampered], { home });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not an age public key');
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
    expect(VpsBundleReportSchema.parse(JSON.parse(r.stdout)).storedSecrets).toEqual(['qdrant.apiKey']);
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
    expect(auditComposeFile(path.join(out, 'docker-compose.yml'), { tunnelAddress: '10.44.0.2' }).counts).toEqual({ high: 0, medium: 0, low: 0, accepted: 1 });
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
      publishEditor: false,
      publishPortainer: false,
      access: null,
      backupIdentityFile: path.join(tempDir(), 'backup-identity.txt'),
      timezone: 'UTC',
      backup: { intervalHours: 24, keepDays: 14 },
      resourcesDir: path.join(res, 'vps'),
      migrationsDir: path.join(res, 'no-such-folder'),
    });
    expect(report.files.filter((f) => f.startsWith('n8n/') || f.startsWith('migrations/'))).toEqual([]);
    expect(fs.readdirSync(path.join(out, 'n8n'))).toEqual([]);
  });
});
