// What the audit knows about common images: their default user, the uid they expect, the paths they write, the
// programs a healthcheck can call, and settings they no longer read. docker-compose cannot know any of this.

export interface ImageRef {
  /** "docker.io/library/postgres:15.10-alpine" → repository "postgres" (registry and "library/" dropped). */
  repository: string;
  tag: string | null;
  digest: string | null;
}

export interface ImageProfile {
  /** Human name for messages. */
  name: string;
  /** The user the image runs as when the compose file sets none; 0 is root. */
  defaultUid: number;
  /** The uid its data files belong to, when the image cares; with the user names it accepts for it. */
  expectedUid: { uid: number; names: string[] } | null;
  /** Paths the process writes at run time; each must be a volume or tmpfs under read_only. */
  writablePaths: (env: ReadonlyMap<string, string>) => string[];
  /** Programs a healthcheck can call, or null when not known; an empty shell means no CMD-SHELL. */
  tools: string[] | null;
  shell: boolean;
  /** Environment variable names (or prefixes ending in "_") the image ignores today, with what replaced them. */
  obsoleteEnv: { pattern: string; replacedBy: string }[];
  /** A socket proxy: the one kind of service that may hold the Docker socket. */
  socketProxy: boolean;
}

export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  // A first part with a dot, a colon or "localhost" is a registry host (docker.io, ghcr.io, docker.n8n.io).
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return { repository: parts.join('/').toLowerCase(), tag, digest };
}

const BUSYBOX = ['sh', 'wget', 'nc', 'test', 'grep', 'find', 'cat', 'head', 'ls', 'pgrep'];

/** The PGDATA a postgres image writes (the env var moves it). */
function postgresPaths(env: ReadonlyMap<string, string>): string[] {
  return [env.get('PGDATA') ?? '/var/lib/postgresql/data', '/var/run/postgresql'];
}

const TECNATIVA_PROXY: Omit<ImageProfile, 'name'> = {
  defaultUid: 0,
  expectedUid: null,
  // The entrypoint writes the haproxy config to /tmp; haproxy writes its pidfile to /run.
  writablePaths: () => ['/tmp', '/run'],
  tools: [...BUSYBOX, 'haproxy'],
  shell: true,
  obsoleteEnv: [],
  socketProxy: true,
};

/** The profile for an image, or null when the audit knows nothing about it (then only generic rules apply). */
export function imageProfile(ref: ImageRef): ImageProfile | null {
  const tag = ref.tag ?? '';
  switch (ref.repository) {
    case 'postgres': {
      const alpine = tag.includes('alpine');
      return {
        name: alpine ? 'postgres (alpine)' : 'postgres (debian)',
        defaultUid: 0,
        expectedUid: alpine ? { uid: 70, names: ['postgres'] } : { uid: 999, names: ['postgres'] },
        writablePaths: postgresPaths,
        tools: alpine ? [...BUSYBOX, 'pg_isready', 'psql', 'pg_dump', 'pg_restore'] : ['sh', 'bash', 'pg_isready', 'psql', 'pg_dump', 'pg_restore', 'test', 'grep', 'find'],
        shell: true,
        obsoleteEnv: [],
        socketProxy: false,
      };
    }
    case 'n8nio/n8n':
      return {
        name: 'n8n',
        defaultUid: 1000,
        expectedUid: { uid: 1000, names: ['node'] },
        // n8n also creates ~/.cache at start and exits when it cannot (n8n-io/n8n#8367).
        writablePaths: (env) => {
          const home = env.get('N8N_USER_FOLDER') ?? '/home/node';
          return [`${home}/.n8n`, '/home/node/.cache'];
        },
        tools: [...BUSYBOX, 'node', 'n8n'],
        shell: true,
        obsoleteEnv: [
          { pattern: 'N8N_BASIC_AUTH_', replacedBy: "n8n's own user management (the owner account made on first visit)" },
          { pattern: 'N8N_JWT_AUTH_', replacedBy: "n8n's own user management" },
          { pattern: 'N8N_USER_MANAGEMENT_DISABLED', replacedBy: "n8n's own user management, which cannot be turned off since n8n 1.0" },
          { pattern: 'EXECUTIONS_PROCESS', replacedBy: 'nothing: n8n 1.0 runs executions in the main process (use EXECUTIONS_MODE=queue for workers)' },
        ],
        socketProxy: false,
      };
    case 'qdrant/qdrant': {
      const unprivileged = tag.includes('unprivileged');
      return {
        name: unprivileged ? 'qdrant (unprivileged)' : 'qdrant',
        defaultUid: unprivileged ? 1000 : 0,
        expectedUid: unprivileged ? { uid: 1000, names: ['qdrant'] } : null,
        // Qdrant also writes its ".qdrant-initialized" marker in its working folder unless QDRANT_INIT_FILE_PATH moves it.
        writablePaths: (env) => [
          env.get('QDRANT__STORAGE__STORAGE_PATH') ?? '/qdrant/storage',
          env.get('QDRANT__STORAGE__SNAPSHOTS_PATH') ?? '/qdrant/snapshots',
          env.get('QDRANT_INIT_FILE_PATH') ?? '/qdrant/.qdrant-initialized',
        ],
        tools: ['sh', 'bash', 'test', 'grep', 'head', 'cat', 'ls'],
        shell: true,
        obsoleteEnv: [],
        socketProxy: false,
      };
    }
    case 'portainer/portainer-ce':
    case 'portainer/portainer-ee':
    case 'portainer/portainer': {
      // The default images are built FROM scratch: no shell and no wget; only the -alpine variants have them.
      const alpine = tag.includes('alpine');
      return {
        name: alpine ? 'portainer (alpine)' : 'portainer (scratch)',
        defaultUid: 0,
        expectedUid: null,
        writablePaths: () => ['/data'],
        tools: alpine ? [...BUSYBOX, 'portainer'] : ['portainer'],
        shell: alpine,
        obsoleteEnv: [],
        socketProxy: false,
      };
    }
    case 'tecnativa/docker-socket-proxy':
      return { name: 'docker-socket-proxy (Tecnativa)', ...TECNATIVA_PROXY };
    case 'linuxserver/socket-proxy':
      return { name: 'socket-proxy (LinuxServer)', ...TECNATIVA_PROXY };
    case 'cloudflare/cloudflared':
      return {
        name: 'cloudflared',
        defaultUid: 65532,
        expectedUid: null,
        writablePaths: () => [],
        tools: ['cloudflared'],
        shell: false,
        obsoleteEnv: [],
        socketProxy: false,
      };
    default:
      return null;
  }
}

/** Sections that a socket proxy must keep closed for Portainer on one host: swarm, secrets, auth, exec, build, plugins. */
export const PROXY_SECTIONS_NEVER = [
  'AUTH',
  'SECRETS',
  'SWARM',
  'NODES',
  'SERVICES',
  'TASKS',
  'CONFIGS',
  'PLUGINS',
  'SYSTEM',
  'BUILD',
  'COMMIT',
  'EXEC',
  'SESSION',
  'GRPC',
  'DISTRIBUTION',
] as const;

/** Images that may talk to a socket proxy (its clients), by repository. */
export const SOCKET_PROXY_CLIENTS = ['portainer/portainer-ce', 'portainer/portainer-ee', 'portainer/portainer'];
