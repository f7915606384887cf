// The bundle's secrets: generated passwords, one env file per service (each gets only what it uses), and the
// reading back of an earlier bundle's files so that regenerating keeps the passwords a running stack already has.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface StackSecrets {
  postgresPassword: string;
  jettDbPassword: string;
  n8nDbPassword: string;
  /** The role the Jett workflows in n8n log in as (jett_n8n). */
  workflowsDbPassword: string;
  /** The backup job's read-only role (jett_backup). */
  backupDbPassword: string;
  n8nEncryptionKey: string;
  qdrantApiKey: string;
  /** The bearer token the desktop sends to the n8n webhooks (its secret `heartbeat.token`). */
  desktopToken: string;
  /** Portainer's admin password, which install.sh has Portainer set at its first start. */
  portainerAdminPassword: string;
  /** n8n's owner account, which install.sh creates (resources/vps/n8n-setup.sh owner). */
  n8nOwnerPassword: string;
}

/** The login of n8n's owner account; a reserved name (.internal) that n8n's form accepts, changeable in n8n later. */
export const N8N_OWNER_EMAIL = 'owner@jett.internal';

/** A password n8n's owner setup accepts: 8 to 64 characters with a digit and a capital letter (n8n's own rule). */
export function generateN8nOwnerPassword(): string {
  for (;;) {
    const p = generatePassword();
    if (/\d/.test(p) && /[A-Z]/.test(p)) return p;
  }
}

/** 32 random bytes as base64url: no character that an env file, a URL or a shell would treat specially. */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}

export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

function readSecretFile(dir: string, rel: string): string {
  try {
    return fs.readFileSync(path.join(dir, rel), 'utf8').trim();
  } catch {
    return '';
  }
}

function readEnv(dir: string, file: string): Map<string, string> {
  try {
    return parseEnvFile(fs.readFileSync(path.join(dir, 'env', file), 'utf8'));
  } catch {
    return new Map();
  }
}

/**
 * The secrets of the stack: those of an existing bundle in `dir` are kept (the database was initialised with them,
 * so they win over the desktop's store, which is then brought in line); otherwise the sync's password, the
 * desktop's webhook token and the Qdrant API key (the memory projector's) come from the desktop's secret store when it has them; the rest are generated.
 */
export function stackSecrets(dir: string, stored: { jettDbPassword: string | null; desktopToken: string | null; qdrantApiKey?: string | null }, portainerPasswordFile: string): StackSecrets {
  const pg = readEnv(dir, 'postgres.env');
  const n8n = readEnv(dir, 'n8n.env');
  const qdrant = readEnv(dir, 'qdrant.env');
  const desktop = readEnv(dir, 'desktop.env');
  const owner = readEnv(dir, 'n8n-owner.env');
  return {
    postgresPassword: pg.get('POSTGRES_PASSWORD') || generatePassword(),
    jettDbPassword: pg.get('JETT_DB_PASSWORD') || stored.jettDbPassword || generatePassword(),
    n8nDbPassword: pg.get('N8N_DB_PASSWORD') || n8n.get('DB_POSTGRESDB_PASSWORD') || generatePassword(),
    workflowsDbPassword: pg.get('JETT_N8N_DB_PASSWORD') || generatePassword(),
    backupDbPassword: pg.get('JETT_BACKUP_DB_PASSWORD') || generatePassword(),
    n8nEncryptionKey: n8n.get('N8N_ENCRYPTION_KEY') || generatePassword(),
    qdrantApiKey: qdrant.get('QDRANT__SERVICE__API_KEY') || stored.qdrantApiKey || generatePassword(),
    desktopToken: desktop.get('JETT_DESKTOP_TOKEN') || stored.desktopToken || generatePassword(),
    portainerAdminPassword: readSecretFile(dir, portainerPasswordFile) || generatePassword(),
    n8nOwnerPassword: owner.get('N8N_OWNER_PASSWORD') || generateN8nOwnerPassword(),
  };
}

function envText(header: string, entries: Record<string, string>): string {
  return `# ${header}\n${Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/** env/NAME.env for each service; every file is written 0600. */
export function serviceEnvFiles(s: StackSecrets, db: { user: string; database: string }): Record<string, string> {
  return {
    'postgres.env': envText('postgres: its superuser, and the roles postgres/init/10-jett-roles.sh makes (JETT_N8N_DB_PASSWORD: n8n\'s "Jett PostgreSQL" credential)', {
      POSTGRES_PASSWORD: s.postgresPassword,
      JETT_DB_USER: db.user,
      JETT_DB_NAME: db.database,
      JETT_DB_PASSWORD: s.jettDbPassword,
      N8N_DB_PASSWORD: s.n8nDbPassword,
      JETT_N8N_DB_PASSWORD: s.workflowsDbPassword,
      JETT_BACKUP_DB_PASSWORD: s.backupDbPassword,
    }),
    'n8n.env': envText("n8n: its database password and the key that encrypts its stored credentials (keep a copy)", {
      DB_POSTGRESDB_PASSWORD: s.n8nDbPassword,
      N8N_ENCRYPTION_KEY: s.n8nEncryptionKey,
    }),
    'qdrant.env': envText('qdrant: the API key every client sends (api-key header)', { QDRANT__SERVICE__API_KEY: s.qdrantApiKey }),
    // No container reads this one: install.sh imports it as n8n's "Jett desktop token" credential (n8n-setup.sh import).
    'desktop.env': envText('the token the desktop sends to the n8n webhooks (Authorization: Bearer TOKEN)', { JETT_DESKTOP_TOKEN: s.desktopToken }),
    // Nor this one: install.sh creates n8n's owner account with it (n8n-setup.sh owner); log in to n8n with it.
    'n8n-owner.env': envText("n8n's owner account, created by install.sh: log in to the n8n editor with these", {
      N8N_OWNER_EMAIL,
      N8N_OWNER_PASSWORD: s.n8nOwnerPassword,
    }),
  };
}

/** .env: the variables docker compose substitutes; install.sh sets DOCKER_GID and JETT_DATA for the host. */
export function composeDotEnv(): string {
  return [
    '# Variables docker compose substitutes in docker-compose.yml. install.sh rewrites DOCKER_GID (the docker group of',
    '# this host, which the socket proxy needs) and JETT_DATA (where the data folders live).',
    'COMPOSE_PROJECT_NAME=jett',
    'DOCKER_GID=999',
    'JETT_DATA=/opt/jett/data',
    '',
  ].join('\n');
}
