// `jett vps bundle --out DIR`: writes the folder for /opt/jett on the VPS. The desktop's private key never goes in
// it: the VPS makes its own key on install, and wg0.conf names the desktop by its public key only.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../contracts/config.js';
import type { VpsBundleReport } from '../contracts/vps.js';
import { JettError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { resourcePath } from '../resources.js';
import type { SecretName } from '../contracts/secrets.js';
import type { SecretStore } from '../secrets/store.js';
import { desktopHostOf, renderVpsWg0Conf, vpsAddressOf } from '../tunnel/config.js';
import { publicKeyOf } from '../tunnel/keys.js';
import { generateAgeKeyPair, isAgeRecipient, recipientOfIdentity } from './age-keys.js';
import { renderCloudflaredConfig, type AccessGuard } from './cloudflared.js';
import { PINNED_IMAGES, PORTAINER_ADMIN_PASSWORD_FILE, renderCompose } from './compose-model.js';
import { MEMORY_DIMS } from '../memory/embedder.js';
import { composeDotEnv, serviceEnvFiles, stackSecrets } from './env-files.js';
import { DEFAULT_DETECTOR_EVERY_S, renderWorkflows } from './n8n-workflows.js';

export class VpsBundleError extends JettError {}

export interface BundleOptions {
  outDir: string;
  /** Write into a folder that already has files (an earlier bundle's passwords are kept). */
  force: boolean;
  config: Config;
  secrets: SecretStore;
  n8nHostname: string;
  portainerHostname: string;
  /** Publish the n8n editor on n8nHostname, behind Cloudflare Access (needs `access`). */
  publishEditor: boolean;
  /** Publish Portainer on portainerHostname, behind Cloudflare Access (needs `access`). */
  publishPortainer: boolean;
  /** The Access application that guards what is published: cloudflared refuses requests without its token. */
  access: AccessGuard | null;
  timezone: string;
  backup: { intervalHours: number; keepDays: number };
  /** Seconds between runs of n8n's offline detector; DEFAULT_DETECTOR_EVERY_S (a minute) when left out. */
  detectorEveryS?: number;
  /**
   * Where the desktop keeps the backups' private key (an age identity, 0600); made on the first bundle and reused.
   * Ignored when backupRecipient is given.
   */
  backupIdentityFile: string;
  /** An age recipient (age1...) whose private key the user keeps elsewhere, instead of the desktop's. */
  backupRecipient?: string;
  /** resources/vps and resources/migrations/server; found beside the code when not given. */
  resourcesDir?: string;
  migrationsDir?: string;
}

/** The project's resources/ folder (the one that holds vps/install.sh). */
export function resourcesRoot(): string {
  return path.dirname(path.dirname(resourcePath('vps/install.sh')));
}

/** Replaces every @@NAME@@; a token without a value is a bug in the template, caught here rather than on the VPS. */
export function fillTemplate(text: string, values: Record<string, string>, name: string): string {
  return text.replace(/@@([A-Z0-9_]+)@@/g, (_m, key: string) => {
    const v = values[key];
    if (v === undefined) throw new VpsBundleError(`template ${name} uses @@${key}@@, which the bundle does not define`, 'this is a bug in Jett: report it with the template name');
    return v;
  });
}

/**
 * Every line of the bundle ends in LF: bash on the VPS fails on CR, and templates that reach this desktop with CRLF
 * (a Windows checkout with core.autocrlf, an editor, a copy that skipped .gitattributes) must not carry it there.
 */
export function toLf(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

// The roles and databases postgres/init/10-jett-roles.sh makes besides the desktop's.
const RESERVED_DB_NAMES = ['postgres', 'n8n', 'jett_owner', 'jett_desktop', 'jett_n8n', 'jett_backup'];

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

function checkInputs(opts: BundleOptions): void {
  for (const [flag, host] of [['--n8n-hostname', opts.n8nHostname], ['--portainer-hostname', opts.portainerHostname]] as const) {
    if (!HOSTNAME.test(host)) throw new VpsBundleError(`${flag} ${JSON.stringify(host)} is not a host name`, `pass a name in a zone on Cloudflare, e.g. ${flag} n8n.example.org`);
  }
  const { user, database } = opts.config.postgres;
  for (const [key, v] of [['postgres.user', user], ['postgres.database', database]] as const) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(v) || RESERVED_DB_NAMES.includes(v)) {
      throw new VpsBundleError(`${key} ${JSON.stringify(v)} cannot name the sync's PostgreSQL role or database`, `use lower-case letters, digits and _ other than ${RESERVED_DB_NAMES.map((n) => `"${n}"`).join(', ')}: \`jett config set ${key} jett\``);
    }
  }
  if (!Number.isInteger(opts.backup.intervalHours) || opts.backup.intervalHours < 1 || opts.backup.intervalHours > 168) {
    throw new VpsBundleError('--backup-hours must be a whole number from 1 to 168', 'e.g. --backup-hours 24');
  }
  if (!Number.isInteger(opts.backup.keepDays) || opts.backup.keepDays < 1 || opts.backup.keepDays > 3650) {
    throw new VpsBundleError('--backup-days must be a whole number from 1 to 3650', 'e.g. --backup-days 14');
  }
  if ((opts.publishEditor || opts.publishPortainer) && opts.access === null) {
    const what = opts.publishEditor ? '--publish-editor' : '--publish-portainer';
    throw new VpsBundleError(
      `${what} would put an admin interface on the internet without Cloudflare Access`,
      `create an Access application for the hostname in Cloudflare Zero Trust, then pass --access-team TEAM --access-aud AUD_TAG with ${what} (or leave it out and use the tunnel)`,
    );
  }
  if (opts.access) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(opts.access.teamName)) throw new VpsBundleError(`--access-team ${JSON.stringify(opts.access.teamName)} is not a Zero Trust team name`, 'pass TEAM of TEAM.cloudflareaccess.com, e.g. --access-team myteam');
    if (!/^[0-9a-f]{64}$/i.test(opts.access.audTag)) throw new VpsBundleError('--access-aud is not an Access audience tag (64 hex digits)', 'copy the Application Audience (AUD) Tag from the Access application\'s overview in Zero Trust');
  }
  if (opts.backupRecipient !== undefined && !isAgeRecipient(opts.backupRecipient)) {
    throw new VpsBundleError(`--backup-recipient ${JSON.stringify(opts.backupRecipient)} is not an age public key`, 'pass the age1... line that `age-keygen -y KEYFILE` prints, or leave it out to have one made on this desktop');
  }
}

/** The recipient the VPS encrypts backups to. Its private key is made here once and stays on the desktop. */
function backupRecipient(opts: BundleOptions): { recipient: string; identityFile: string | null } {
  if (opts.backupRecipient) return { recipient: opts.backupRecipient, identityFile: null };
  const file = opts.backupIdentityFile;
  if (fs.existsSync(file)) {
    const recipient = recipientOfIdentity(fs.readFileSync(file, 'utf8'));
    if (!recipient) throw new VpsBundleError(`${file} holds no age key`, `move it away if it is not needed (backups made to its key need it), then run \`jett vps bundle\` again`);
    return { recipient, identityFile: file };
  }
  const pair = generateAgeKeyPair();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `# age identity of the Jett VPS backups (public key ${pair.recipient}); keep a copy off this desktop too\n${pair.identity}\n`, 0o600);
  return { recipient: pair.recipient, identityFile: file };
}

function prepareOutDir(dir: string, force: boolean): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new VpsBundleError(`${dir} exists and is not a folder`, 'pass --out with a new folder name');
    if (fs.readdirSync(dir).length > 0 && !force) {
      throw new VpsBundleError(`${dir} is not empty`, 'pass a new folder, or --force to rewrite it (its passwords are kept, so a running stack still matches)');
    }
  }
  // The folder holds passwords: owner only.
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

export async function writeVpsBundle(opts: BundleOptions): Promise<VpsBundleReport> {
  checkInputs(opts);
  const privateKey = await opts.secrets.get('tunnel.privateKey');
  if (!privateKey) throw new VpsBundleError('the desktop has no WireGuard key yet, so the VPS cannot name it as its peer', 'run `jett keys generate`, then `jett vps bundle` again');
  const desktopPublicKey = publicKeyOf(privateKey);
  const presharedKey = await opts.secrets.get('tunnel.presharedKey');
  const tunnel = opts.config.tunnel;
  const vpsCidr = vpsAddressOf(tunnel);
  const wg0 = renderVpsWg0Conf({
    desktopPublicKey,
    desktopTunnelAddress: desktopHostOf(tunnel),
    address: vpsCidr,
    listenPort: tunnel.listenPort,
    presharedKey,
  });

  const root = opts.resourcesDir ? path.dirname(opts.resourcesDir) : resourcesRoot();
  const vpsRes = opts.resourcesDir ?? path.join(root, 'vps');
  const migrationsRes = opts.migrationsDir ?? path.join(root, 'migrations', 'server');
  const out = path.resolve(opts.outDir);
  prepareOutDir(out, opts.force);

  const written: string[] = [];
  // Folders the containers read through bind mounts (postgres/init/, n8n/) must be readable by their uids.
  const ensureDir = (rel: string, mode: number) => {
    fs.mkdirSync(path.join(out, rel), { recursive: true, mode });
    fs.chmodSync(path.join(out, rel), mode);
  };
  for (const [rel, mode] of [['env', 0o700], ['secrets', 0o700], ['wireguard', 0o700], ['backup', 0o755], ['postgres', 0o755], ['postgres/init', 0o755], ['cloudflared', 0o755], ['migrations', 0o755], ['n8n', 0o755]] as const) {
    ensureDir(rel, mode);
  }
  const write = (rel: string, text: string, mode: number) => {
    const file = path.join(out, rel);
    writeFileAtomic(file, toLf(text), mode);
    // writeFileAtomic keeps an existing file's folder; a rewrite must still end with the mode asked for.
    fs.chmodSync(file, mode);
    written.push(rel);
  };
  // Copied as they are, every file: the folders belong to other parts of Jett (the sync, the workflows).
  const copyDir = (from: string, to: string) => {
    if (!fs.existsSync(from)) return;
    for (const name of fs.readdirSync(from).sort()) {
      if (fs.statSync(path.join(from, name)).isFile()) write(path.join(to, name), fs.readFileSync(path.join(from, name), 'utf8'), 0o644);
    }
  };

  const storedJett = await opts.secrets.get('postgres.password');
  const storedToken = await opts.secrets.get('heartbeat.token');
  const storedQdrant = await opts.secrets.get('qdrant.apiKey');
  const secrets = stackSecrets(out, { jettDbPassword: storedJett, desktopToken: storedToken, qdrantApiKey: storedQdrant }, PORTAINER_ADMIN_PASSWORD_FILE);
  const backupKey = backupRecipient(opts);
  const vpsAddress = tunnel.peerAddress;
  const values: Record<string, string> = {
    VPS_ADDRESS: vpsAddress,
    VPS_CIDR: vpsCidr,
    DESKTOP_ADDRESS: desktopHostOf(tunnel),
    LISTEN_PORT: String(tunnel.listenPort),
    N8N_HOSTNAME: opts.n8nHostname,
    PORTAINER_HOSTNAME: opts.portainerHostname,
    EDITOR_URL: opts.publishEditor ? `https://${opts.n8nHostname}/` : `http://${vpsAddress}:5678/`,
    PORTAINER_URL: opts.publishPortainer ? `https://${opts.portainerHostname}/` : `http://${vpsAddress}:9000/`,
    PG_DATABASE: opts.config.postgres.database,
    PG_USER: opts.config.postgres.user,
    BACKUP_HOURS: String(opts.backup.intervalHours),
    BACKUP_DAYS: String(opts.backup.keepDays),
    QDRANT_COLLECTION: opts.config.qdrant.collection,
    MEMORY_DIMS: String(MEMORY_DIMS),
  };
  const template = (rel: string, mode: number) => write(rel, fillTemplate(fs.readFileSync(path.join(vpsRes, rel), 'utf8'), values, rel), mode);

  write('docker-compose.yml', renderCompose({ tunnelAddress: vpsAddress, n8nHostname: opts.n8nHostname, publishEditor: opts.publishEditor, timezone: opts.timezone }), 0o644);
  write('.env', composeDotEnv(), 0o600);
  for (const [name, text] of Object.entries(serviceEnvFiles(secrets, opts.config.postgres))) write(path.join('env', name), text, 0o600);
  // It may hold the preshared key: root-only on the VPS too (install.sh installs it 0600).
  write(path.join('wireguard', 'wg0.conf'), wg0, 0o600);
  for (const script of ['install.sh', 'ufw.sh', 'restore.sh', 'apply-migrations.sh', 'n8n-setup.sh', 'qdrant-setup.sh', 'backup/backup.sh', 'postgres/init/10-jett-roles.sh']) template(script, 0o755);
  write(PORTAINER_ADMIN_PASSWORD_FILE, `${secrets.portainerAdminPassword}\n`, 0o600);
  write('backup/recipients.txt', `# age public key the backups are encrypted to; its private key is not on the VPS\n${backupKey.recipient}\n`, 0o644);
  write(
    'cloudflared/config.yml',
    renderCloudflaredConfig({
      vpsAddress,
      n8nHostname: opts.n8nHostname,
      portainerHostname: opts.portainerHostname,
      editor: opts.publishEditor ? opts.access : null,
      portainer: opts.publishPortainer ? opts.access : null,
    }),
    0o644,
  );
  template('postgres/pg_hba.conf', 0o644);
  template('README.md', 0o644);
  copyDir(migrationsRes, 'migrations');
  // Rendered, not copied: each gets the versionId n8n's import needs, and the detector its schedule.
  for (const wf of renderWorkflows(path.join(vpsRes, 'n8n'), { detectorEveryS: opts.detectorEveryS ?? DEFAULT_DETECTOR_EVERY_S })) write(path.join('n8n', wf.file), wf.text, 0o644);

  const storedSecrets: SecretName[] = [];
  if (storedJett !== secrets.jettDbPassword) {
    await opts.secrets.set('postgres.password', secrets.jettDbPassword);
    storedSecrets.push('postgres.password');
  }
  if (storedToken !== secrets.desktopToken) {
    await opts.secrets.set('heartbeat.token', secrets.desktopToken);
    storedSecrets.push('heartbeat.token');
  }
  if (storedQdrant !== secrets.qdrantApiKey) {
    await opts.secrets.set('qdrant.apiKey', secrets.qdrantApiKey);
    storedSecrets.push('qdrant.apiKey');
  }
  return {
    dir: out,
    files: written.sort(),
    vpsAddress,
    desktopPublicKey,
    images: { ...PINNED_IMAGES },
    storedSecrets,
    backupRecipient: backupKey.recipient,
    backupIdentityFile: backupKey.identityFile,
    published: [...(opts.publishEditor ? [`https://${opts.n8nHostname}/`] : []), ...(opts.publishPortainer ? [`https://${opts.portainerHostname}/`] : [])],
  };
}
