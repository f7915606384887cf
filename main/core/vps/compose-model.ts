// The hardened docker-compose.yml of the VPS bundle: pinned images, the right non-root uid per image, read-only
// roots with the writable paths each image needs, limits, healthchecks, tunnel-only ports and separate networks.
import { Document, isScalar, isSeq, visit } from 'yaml';

/**
 * Pinned images. These tags were checked against public references (Docker Hub tags quoted in public compose files
 * and release notes) when this was written; none could be pulled here, so `docker compose pull` on the VPS is the
 * final check. Update them together, then run `jett audit compose` on the new bundle.
 */
export const PINNED_IMAGES = {
  postgres: 'postgres:15.10-alpine',
  n8n: 'docker.n8n.io/n8nio/n8n:1.121.3',
  qdrant: 'qdrant/qdrant:v1.13.4-unprivileged',
  portainer: 'portainer/portainer-ce:2.21.4-alpine',
  socketProxy: 'tecnativa/docker-socket-proxy:v0.4.2',
} as const;

export interface ComposeModelInput {
  /** VPS tunnel address; every published port binds to it only. */
  tunnelAddress: string;
  /** Public hostname of n8n behind the Cloudflare Tunnel, for webhook URLs. */
  n8nHostname: string;
  /** The n8n editor is published over HTTPS on n8nHostname behind Cloudflare Access (see cloudflared.ts). */
  publishEditor: boolean;
  timezone: string;
}

export const SERVICE_PORTS = { n8n: 5678, postgres: 5432, qdrant: 6333, portainer: 9000 } as const;

/** Portainer's generated admin password, in the bundle (0600; install.sh gives it to uid 1000, 0400). */
export const PORTAINER_ADMIN_PASSWORD_FILE = 'secrets/portainer-admin-password';
const PORTAINER_SECRET = 'portainer_admin_password';

const TMP = '/tmp:rw,noexec,nosuid,nodev,size=64m';
const HARDENED = {
  read_only: true,
  cap_drop: ['ALL'],
  security_opt: ['no-new-privileges:true'],
  restart: 'unless-stopped',
  logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
};

function health(test: string[], startPeriod = '30s') {
  return { test, interval: '30s', timeout: '5s', retries: 3, start_period: startPeriod };
}

/** A named volume kept under JETT_DATA on the host, so install.sh can give each folder its image's owner. */
function dataVolume(folder: string) {
  return { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: `\${JETT_DATA:?set JETT_DATA in .env}/${folder}` } };
}

export function composeModel(input: ComposeModelInput): Record<string, unknown> {
  const ip = input.tunnelAddress;
  const port = (p: number) => [`${ip}:${p}:${p}`];
  return {
    services: {
      postgres: {
        image: PINNED_IMAGES.postgres,
        // postgres alpine runs as uid 70 (999 is the debian image's uid).
        user: '70:70',
        ...HARDENED,
        tmpfs: [TMP, '/var/run/postgresql:rw,noexec,nosuid,nodev,size=1m'],
        env_file: ['env/postgres.env'],
        environment: { POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres', PGDATA: '/var/lib/postgresql/data/pgdata', TZ: input.timezone },
        // The bundle's pg_hba.conf (the superuser on the local socket only; each role from where it connects) and
        // SCRAM verifiers for every password; the image's own file would let any role in from anywhere.
        command: ['postgres', '-c', 'hba_file=/etc/jett/pg_hba.conf', '-c', 'password_encryption=scram-sha-256'],
        volumes: ['postgres-data:/var/lib/postgresql/data', './postgres/init:/docker-entrypoint-initdb.d:ro', './postgres/pg_hba.conf:/etc/jett/pg_hba.conf:ro'],
        ports: port(SERVICE_PORTS.postgres),
        networks: ['db', 'postgres-edge'],
        // Over TCP as a role pg_hba.conf lets in: pg_isready stops at the password request, which the server does not
        // log; as postgres it would log a refusal every 30 s.
        healthcheck: health(['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'n8n', '-d', 'n8n']),
        mem_limit: '1g',
        cpus: '1.0',
        pids_limit: 200,
      },
      n8n: {
        image: PINNED_IMAGES.n8n,
        user: '1000:1000',
        ...HARDENED,
        // n8n exits at start when it cannot create ~/.cache.
        tmpfs: [TMP, '/home/node/.cache:rw,noexec,nosuid,nodev,size=64m'],
        env_file: ['env/n8n.env'],
        environment: {
          DB_TYPE: 'postgresdb',
          DB_POSTGRESDB_HOST: 'postgres',
          DB_POSTGRESDB_PORT: '5432',
          DB_POSTGRESDB_DATABASE: 'n8n',
          DB_POSTGRESDB_USER: 'n8n',
          // IPv4 inside the container: its healthcheck and the published port both reach it there.
          N8N_LISTEN_ADDRESS: '0.0.0.0',
          N8N_PORT: String(SERVICE_PORTS.n8n),
          N8N_PROTOCOL: 'http',
          N8N_HOST: input.publishEditor ? input.n8nHostname : ip,
          WEBHOOK_URL: `https://${input.n8nHostname}/`,
          // Published, the editor is served over HTTPS (Cloudflare, behind Access): its session cookie must be Secure.
          // Otherwise it is reached only over plain HTTP inside WireGuard (already encrypted), where browsers would
          // drop a Secure cookie and the login would fail: that, and only that, is why it is false.
          ...(input.publishEditor ? { N8N_SECURE_COOKIE: 'true', N8N_EDITOR_BASE_URL: `https://${input.n8nHostname}/` } : { N8N_SECURE_COOKIE: 'false' }),
          N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
          N8N_DIAGNOSTICS_ENABLED: 'false',
          N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
          N8N_PERSONALIZATION_ENABLED: 'false',
          GENERIC_TIMEZONE: input.timezone,
          TZ: input.timezone,
        },
        volumes: ['n8n-data:/home/node/.n8n', './n8n:/opt/jett-workflows:ro'],
        ports: port(SERVICE_PORTS.n8n),
        networks: ['db', 'vectors', 'n8n-edge'],
        depends_on: { postgres: { condition: 'service_healthy' }, qdrant: { condition: 'service_healthy' } },
        healthcheck: health(['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${SERVICE_PORTS.n8n}/healthz || exit 1`], '60s'),
        mem_limit: '1g',
        cpus: '1.0',
        pids_limit: 300,
      },
      qdrant: {
        image: PINNED_IMAGES.qdrant,
        // The -unprivileged image runs as uid 1000 and owns /qdrant/storage and /qdrant/snapshots.
        user: '1000:1000',
        ...HARDENED,
        tmpfs: [TMP],
        env_file: ['env/qdrant.env'],
        environment: {
          QDRANT__TELEMETRY_DISABLED: 'true',
          // Qdrant writes this marker in its working folder by default, which read_only forbids.
          QDRANT_INIT_FILE_PATH: '/qdrant/storage/.qdrant-initialized',
          TZ: input.timezone,
        },
        volumes: ['qdrant-storage:/qdrant/storage', 'qdrant-snapshots:/qdrant/snapshots'],
        ports: port(SERVICE_PORTS.qdrant),
        networks: ['vectors', 'qdrant-edge'],
        // The image has bash but neither curl nor wget.
        healthcheck: health(['CMD', 'bash', '-c', `: > /dev/tcp/127.0.0.1/${SERVICE_PORTS.qdrant}`]),
        mem_limit: '1g',
        cpus: '1.0',
        pids_limit: 200,
      },
      'socket-proxy': {
        image: PINNED_IMAGES.socketProxy,
        // haproxy's own uid, plus the host's docker group (install.sh writes DOCKER_GID) to open the socket.
        user: '99:99',
        group_add: ['${DOCKER_GID:?run install.sh, which sets DOCKER_GID in .env}'],
        ...HARDENED,
        tmpfs: [TMP, '/run:rw,noexec,nosuid,nodev,size=1m'],
        // Only what Portainer needs on one host; EXEC, BUILD, SYSTEM, swarm, secrets and auth stay closed.
        environment: { PING: '1', VERSION: '1', INFO: '1', EVENTS: '1', CONTAINERS: '1', IMAGES: '1', NETWORKS: '1', VOLUMES: '1', POST: '1', LOG_LEVEL: 'warning' },
        volumes: ['/var/run/docker.sock:/var/run/docker.sock:ro'],
        networks: ['docker-api'],
        healthcheck: health(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:2375/_ping'], '10s'),
        mem_limit: '64m',
        cpus: '0.25',
        pids_limit: 100,
      },
      portainer: {
        image: PINNED_IMAGES.portainer,
        user: '1000:1000',
        ...HARDENED,
        tmpfs: [TMP],
        // The admin account is created at the first start from the generated password (install.sh makes the file
        // readable by uid 1000 only), so no first visitor can claim it.
        command: ['-H', 'tcp://socket-proxy:2375', '--admin-password-file', `/run/secrets/${PORTAINER_SECRET}`],
        secrets: [PORTAINER_SECRET],
        volumes: ['portainer-data:/data'],
        ports: port(SERVICE_PORTS.portainer),
        networks: ['docker-api', 'portainer-edge'],
        depends_on: { 'socket-proxy': { condition: 'service_healthy' } },
        // The -alpine variant has wget; the default image is FROM scratch and could not run any healthcheck.
        healthcheck: health(['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${SERVICE_PORTS.portainer}/`]),
        mem_limit: '256m',
        cpus: '0.5',
        pids_limit: 100,
      },
    },
    networks: {
      db: { internal: true },
      vectors: { internal: true },
      'docker-api': { internal: true },
      // One network per published service: it carries the port (and n8n's way out), and joins nothing else.
      'n8n-edge': {},
      'postgres-edge': {},
      'qdrant-edge': {},
      'portainer-edge': {},
    },
    volumes: {
      'postgres-data': dataVolume('postgres'),
      'n8n-data': dataVolume('n8n'),
      'qdrant-storage': dataVolume('qdrant-storage'),
      'qdrant-snapshots': dataVolume('qdrant-snapshots'),
      'portainer-data': dataVolume('portainer'),
    },
    secrets: { [PORTAINER_SECRET]: { file: `./${PORTAINER_ADMIN_PASSWORD_FILE}` } },
    // Recorded here so that `jett audit compose` shows the finding as accepted instead of hiding it (see README.md).
    'x-jett-accept': [
      {
        rule: 'docker-api-writes',
        service: 'socket-proxy',
        reason:
          'Portainer exists to manage these containers, so its proxy allows container writes (root on this host for whoever is Portainer admin). Portainer is reachable only through WireGuard (or behind Cloudflare Access when published), and its admin password is generated at install.',
      },
    ],
  };
}

/** The compose file text, with a header that says where it came from and how to check it. */
export function renderCompose(input: ComposeModelInput): string {
  const doc = new Document(composeModel(input), { aliasDuplicateObjects: false });
  // Short lists of scalars read best on one line: test: ["CMD", "pg_isready", ...].
  visit(doc, {
    Seq(_key, node) {
      if (isSeq(node) && node.items.every(isScalar) && JSON.stringify(node.toJSON()).length <= 100) node.flow = true;
    },
  });
  doc.commentBefore = [
    ' Jett VPS stack, generated by `jett vps bundle`. Check it with `jett audit compose docker-compose.yml`.',
    ` Every port is published on the tunnel address ${input.tunnelAddress} only; secrets come from env/*.env (0600).`,
  ].join('\n');
  // Every string quoted: docker-compose v1 reads YAML 1.1, where unquoted "false" or "22:22" change type.
  return doc.toString({ lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}
