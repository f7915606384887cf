// The compose audit's rules: each looks at one service (or the whole file) and returns findings with severity,
// line and fix. Image knowledge comes from images.ts; nothing here runs Docker.
import path from 'node:path';
import type { AuditSeverity, ComposeFinding, ComposeRuleId } from '../contracts/vps.js';
import { HOST_NAMESPACE_KEYS, type ComposeDoc, type HostNamespaceKey, type Mount, type ServiceView } from './compose-doc.js';
import {
  imageProfile,
  parseImageRef,
  PROXY_SECTIONS_NEVER,
  SOCKET_PROXY_CLIENTS,
  type ImageProfile,
  type ImageRef,
} from './images.js';

export interface RuleContext {
  doc: ComposeDoc;
  tunnelAddress: string;
}

interface ServiceFacts {
  svc: ServiceView;
  ref: ImageRef | null;
  profile: ImageProfile | null;
}

type ServiceRule = (f: ServiceFacts, ctx: RuleContext) => ComposeFinding[];

function finding(svc: ServiceView | null, rule: ComposeRuleId, severity: AuditSeverity, line: number, message: string, fix: string): ComposeFinding {
  return { service: svc?.name ?? null, rule, severity, line, message, fix, accepted: null };
}

const imagePinned: ServiceRule = ({ svc, ref }) => {
  if (ref === null) return [];
  if (ref.digest !== null) return [];
  const line = svc.lineOf('image');
  const tag = ref.tag;
  if (tag !== null && tag.includes('$')) {
    return [finding(svc, 'image-pinned', 'low', line, `image tag "${tag}" comes from a variable the audit cannot check`, 'write the version in the file, e.g. postgres:15.10-alpine')];
  }
  if (tag === null || tag === 'latest' || !/\d/.test(tag)) {
    const what = tag === null ? 'has no tag (so :latest)' : `uses the floating tag :${tag}`;
    return [
      finding(svc, 'image-pinned', 'medium', line, `image ${svc.image} ${what}: a pull can change what runs without any edit`, `pin a full version, e.g. ${ref.repository}:1.2.3, or a digest (@sha256:...)`),
    ];
  }
  const numeric = tag.replace(/^v/, '').split(/[-_]/)[0]!.split('.').filter((p) => /^\d+$/.test(p));
  if (numeric.length < 2) {
    return [finding(svc, 'image-pinned', 'low', line, `image ${svc.image} pins only a major version: it moves on every minor release`, `pin the full version the tag points at today (major.minor.patch), or a digest`)];
  }
  return [];
};

function uidPart(user: string): string {
  return user.split(':')[0]!.trim();
}

const nonRoot: ServiceRule = ({ svc, profile }) => {
  if (svc.user !== null) {
    const uid = uidPart(svc.user);
    if (uid.includes('$')) return [finding(svc, 'non-root', 'low', svc.lineOf('user'), `user "${svc.user}" comes from a variable the audit cannot check`, 'write the numeric uid, e.g. user: "1000:1000"')];
    if (uid === '0' || uid === 'root') return [finding(svc, 'non-root', 'medium', svc.lineOf('user'), `runs as root (user: "${svc.user}")`, 'set a non-root user: the uid the image expects (see the user-matches-image rule)')];
    return [];
  }
  if (profile && profile.defaultUid !== 0) return [];
  const why = profile ? `${profile.name} runs as root by default` : 'no user: is set, and most images run as root by default';
  return [finding(svc, 'non-root', 'medium', svc.line, `${why}`, `add user: "UID:GID" with a non-root id${profile?.expectedUid ? ` (${profile.expectedUid.uid} for ${profile.name})` : ''}, and give that id its data folder`)];
};

const userMatchesImage: ServiceRule = ({ svc, profile }) => {
  if (svc.user === null || !profile?.expectedUid) return [];
  const uid = uidPart(svc.user);
  if (uid.includes('$') || uid === '0' || uid === 'root') return [];
  const { uid: want, names } = profile.expectedUid;
  if (uid === String(want) || names.includes(uid)) return [];
  return [
    finding(svc, 'user-matches-image', 'medium', svc.lineOf('user'), `user ${uid} does not match ${profile.name}, which runs as uid ${want}: its files would belong to the wrong user`, `use user: "${want}:${want}" and chown the data folder to ${want}`),
  ];
};

const readOnly: ServiceRule = ({ svc }) =>
  svc.readOnly ? [] : [finding(svc, 'read-only', 'medium', svc.lineOf('read_only'), 'the root filesystem is writable', 'add read_only: true, with volumes or tmpfs for the paths the image writes')];

function covered(path: string, svc: ServiceView): boolean {
  return svc.mounts.some((m) => !m.readOnly && (path === m.target || path.startsWith(`${m.target.replace(/\/$/, '')}/`)));
}

const writablePaths: ServiceRule = ({ svc, profile }) => {
  if (!svc.readOnly || !profile) return [];
  const env = new Map([...svc.environment].map(([k, v]) => [k, v.value ?? '']));
  return profile
    .writablePaths(env)
    .filter((p) => !covered(p, svc))
    .map((p) => {
      const fix = p.endsWith('.qdrant-initialized')
        ? 'set QDRANT_INIT_FILE_PATH to a file inside the storage volume, e.g. /qdrant/storage/.qdrant-initialized'
        : `mount a named volume (data) or a tmpfs (scratch) at ${p}`;
      return finding(svc, 'writable-paths', 'medium', svc.lineOf('read_only'), `read_only, but ${profile.name} writes ${p}, which is not a volume or tmpfs: it will fail at run time`, fix);
    });
};

const tmpfsTmp: ServiceRule = ({ svc }) => {
  if (!svc.readOnly) return [];
  const tmp = svc.mounts.find((m) => m.type === 'tmpfs' && m.target === '/tmp');
  if (!tmp) return [finding(svc, 'tmpfs-tmp', 'low', svc.lineOf('read_only'), 'read_only without a tmpfs /tmp: programs that need scratch space fail', 'add tmpfs: ["/tmp:rw,noexec,nosuid,size=64m"]')];
  const missing = ['noexec', 'nosuid'].filter((o) => !tmp.options.includes(o));
  return missing.length ? [finding(svc, 'tmpfs-tmp', 'low', tmp.line, `tmpfs /tmp is mounted without ${missing.join(', ')}`, 'mount it as /tmp:rw,noexec,nosuid,size=64m')] : [];
};

/**
 * Capabilities outside Docker's default set that reach the host: mount and namespaces (SYS_ADMIN), kernel
 * modules, other processes' memory, raw I/O and devices, reboot, the clock, reading any file by handle
 * (DAC_READ_SEARCH, the "shocker" escape), the host's network stack, eBPF and perf, the LSM policy, the kernel
 * log, checkpoint/restore and the audit system.
 */
const DANGEROUS_CAPS = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'SYS_TIME',
  'DAC_READ_SEARCH',
  'NET_ADMIN',
  'BPF',
  'PERFMON',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'SYSLOG',
  'CHECKPOINT_RESTORE',
  'AUDIT_CONTROL',
]);

const capDrop: ServiceRule = ({ svc }) => {
  const out: ComposeFinding[] = [];
  if (!svc.capDrop.some((c) => c.toUpperCase() === 'ALL')) {
    out.push(finding(svc, 'cap-drop', 'medium', svc.lineOf('cap_drop'), 'capabilities are not all dropped', 'add cap_drop: [ALL] (and cap_add only what the image proves it needs)'));
  }
  svc.capAdd.forEach((cap, i) => {
    const name = cap.toUpperCase().replace(/^CAP_/, '');
    const bad = DANGEROUS_CAPS.has(name);
    out.push(
      finding(svc, 'cap-drop', bad ? 'high' : 'low', svc.lineOf('cap_add', i), `cap_add gives back ${name}${bad ? ', which is close to root on the host' : ''}`, bad ? `remove ${name} from cap_add` : `keep ${name} only if the service fails without it`),
    );
  });
  return out;
};

const privileged: ServiceRule = ({ svc }) =>
  svc.privileged ? [finding(svc, 'privileged', 'high', svc.lineOf('privileged'), 'privileged: true gives the container every device and capability of the host', 'remove privileged: true')] : [];

const noNewPrivileges: ServiceRule = ({ svc }) => {
  const ok = svc.securityOpt.some((o) => /^no-new-privileges(?:[:=]true)?$/i.test(o.trim()));
  return ok ? [] : [finding(svc, 'no-new-privileges', 'medium', svc.lineOf('security_opt'), 'no-new-privileges is not set: setuid binaries can still raise privileges', 'add security_opt: ["no-new-privileges:true"]')];
};

const portsTunnelOnly: ServiceRule = ({ svc }, ctx) => {
  if (svc.networkMode === 'host') {
    return [finding(svc, 'ports-tunnel-only', 'high', svc.lineOf('network_mode'), 'network_mode: host: every port the service opens listens on every interface, the public one included', `remove network_mode: host and publish ports as ${ctx.tunnelAddress}:PORT:PORT`)];
  }
  return svc.ports.flatMap((p) => {
    if (p.hostIp === null) {
      return [finding(svc, 'ports-tunnel-only', 'high', p.line, `port "${p.text}" is published on every interface, the public address included`, `bind it to the tunnel address: "${ctx.tunnelAddress}:PORT:PORT"`)];
    }
    if (p.interpolated) return [finding(svc, 'ports-tunnel-only', 'medium', p.line, `port "${p.text}" binds an address from a variable the audit cannot check`, `write the tunnel address: "${ctx.tunnelAddress}:PORT:PORT"`)];
    if (p.hostIp !== ctx.tunnelAddress) {
      return [finding(svc, 'ports-tunnel-only', 'medium', p.line, `port "${p.text}" is bound to ${p.hostIp}, not the tunnel address ${ctx.tunnelAddress}`, `bind it to "${ctx.tunnelAddress}:PORT:PORT"`)];
    }
    return [];
  });
};

function truthy(value: string | null): boolean {
  return value !== null && /^(1|true|yes)$/i.test(value.trim());
}

const dockerSocket: ServiceRule = (f, ctx) => {
  const { svc, profile, ref } = f;
  const socket = svc.mounts.find((m) => m.source !== null && /(^|\/)docker\.sock$/.test(m.source));
  if (!socket) return [];
  if (!profile?.socketProxy) {
    const ro = socket.readOnly ? ' Mounted :ro it is still the full Docker API (the :ro only protects the socket file).' : '';
    return [
      finding(svc, 'docker-socket', 'high', socket.line, `mounts the raw Docker socket: whoever controls ${svc.name} controls Docker, so root on the host.${ro}`, 'remove the mount; give the service a socket proxy (tecnativa/docker-socket-proxy) on an internal network, with only the API sections it needs'),
    ];
  }
  const out: ComposeFinding[] = [];
  if (svc.ports.length > 0 || svc.networkMode === 'host') {
    out.push(finding(svc, 'docker-socket', 'high', svc.lineOf('ports'), 'the socket proxy is reachable from outside Docker (published ports or host network)', 'remove its ports: only its client should reach it, over an internal network'));
  }
  for (const net of svc.networks) {
    const def = ctx.doc.networks.get(net);
    if (!def?.internal) {
      out.push(finding(svc, 'docker-socket', 'high', def?.line ?? svc.lineOf('networks'), `the socket proxy sits on network "${net}", which is not internal`, `declare "${net}" with internal: true and keep only the proxy and its client on it`));
    }
    for (const other of ctx.doc.services) {
      if (other === svc || !other.networks.includes(net)) continue;
      const repo = other.image ? parseImageRef(other.image).repository : '';
      if (!SOCKET_PROXY_CLIENTS.includes(repo)) {
        out.push(finding(svc, 'docker-socket', 'medium', other.lineOf('networks'), `service "${other.name}" shares network "${net}" with the socket proxy and can drive Docker through it`, `take "${other.name}" off "${net}"; only the proxy's client (Portainer) belongs there`));
      }
    }
  }
  for (const section of PROXY_SECTIONS_NEVER) {
    const entry = svc.environment.get(section);
    if (entry && truthy(entry.value)) {
      out.push(finding(svc, 'docker-socket', 'high', entry.line, `the socket proxy opens the ${section} API section, which ${ref?.repository ?? 'its client'} does not need on one host`, `set ${section}=0 (or remove it)`));
    }
  }
  return out;
};

/**
 * A socket proxy with CONTAINERS and POST open lets its clients create and start containers: one privileged
 * container with the host's / mounted is root on the host, whatever else the proxy closes.
 */
const dockerApiWrites: ServiceRule = ({ svc, profile }, ctx) => {
  if (!profile?.socketProxy) return [];
  const post = svc.environment.get('POST');
  const containers = svc.environment.get('CONTAINERS');
  if (!post || !containers || !truthy(post.value) || !truthy(containers.value)) return [];
  const clients = ctx.doc.services.filter((o) => o !== svc && o.networks.some((n) => svc.networks.includes(n))).map((o) => o.name);
  const who = clients.length ? clients.map((c) => `"${c}"`).join(', ') : 'its clients';
  return [
    finding(
      svc,
      'docker-api-writes',
      'high',
      post.line,
      `the socket proxy allows writes to containers (CONTAINERS=1 with POST=1): whoever controls ${who} can start a privileged container with the host's / mounted, which is root on the host`,
      `set POST=0 if ${who} only needs to read; if it must manage containers (Portainer), keep it reachable through the tunnel only, with a generated admin password, and record that decision in the file: x-jett-accept: [{rule: docker-api-writes, service: ${svc.name}, reason: "..."}]`,
    ),
  ];
};

/** Host folders a container must never get: the host's root, its configuration, kernel interfaces, devices and Docker's own state. */
const SYSTEM_FOLDERS = ['/', '/etc', '/proc', '/sys', '/dev', '/root', '/boot', '/run', '/var', '/var/run', '/var/lib', '/var/lib/docker', '/var/lib/containerd', '/var/log', '/home', '/usr', '/lib', '/lib64', '/lib32', '/bin', '/sbin', '/opt', '/srv', '/mnt'];
/** Below these, any path is a way out (kernel tunables, devices, sockets, root's keys, the boot loader, other containers' files). */
const NEVER_BELOW = ['/proc', '/sys', '/dev', '/root', '/boot', '/run', '/var/run', '/var/lib/docker', '/var/lib/containerd'];
/** Below these, a writable mount replaces the host's programs or configuration. */
const NO_WRITES_BELOW = ['/etc', '/usr', '/lib', '/lib64', '/lib32', '/bin', '/sbin'];
/** Read-only files the host shares harmlessly and compose files often mount. */
const HARMLESS_READ_ONLY = new Set(['/etc/localtime', '/etc/timezone', '/etc/ssl/certs', '/etc/ca-certificates']);

const below = (p: string, dir: string) => p.startsWith(`${dir}/`);

/** Why a bind mount reaches out of the container, or null. The Docker socket has its own rule (docker-socket). */
export function hostPathEscape(m: Mount): string | null {
  if (m.type !== 'bind' || m.source === null || !m.source.startsWith('/') || m.source.includes('$')) return null;
  const p = path.posix.normalize(m.source).replace(/(.)\/+$/, '$1');
  if (/(^|\/)docker\.sock$/.test(p)) return null;
  if (p === '/') return "the host's whole filesystem";
  if (SYSTEM_FOLDERS.includes(p)) return `the host's system folder ${p}`;
  const never = NEVER_BELOW.find((d) => below(p, d));
  if (never) return `${p}, inside the host's ${never}`;
  const sys = NO_WRITES_BELOW.find((d) => below(p, d));
  if (sys && !(m.readOnly && (HARMLESS_READ_ONLY.has(p) || sys !== '/etc'))) return `${p}, inside the host's ${sys}${m.readOnly ? '' : ', writable'}`;
  return null;
}

const NAMESPACE_HARM: Record<HostNamespaceKey, string> = {
  pid: "sees and can signal every process of the host, and reads their /proc/PID/environ and root folders",
  ipc: "shares the host's shared memory and semaphores with every process on it",
  userns_mode: 'turns off user-namespace remapping: root in the container is root on the host',
  uts: "shares the host's hostname and domain name, which it can change",
  cgroup: "sees and (with write access) changes the host's cgroup tree, the limits of every container",
};

const UNCONFINED = /^(seccomp[:=]unconfined|apparmor[:=]unconfined|label[:=]disable|systempaths[:=]unconfined)$/i;

/** Everything that reaches out of the container to the host: host folders, host namespaces, devices, lifted confinement. */
const hostEscape: ServiceRule = ({ svc }, ctx) => {
  const out: ComposeFinding[] = [];
  for (const m of svc.mounts) {
    // A named volume of the local driver with o: bind is a bind mount of its device under another name.
    const device = m.type === 'volume' && m.source !== null ? ctx.doc.hostVolumes.get(m.source) : undefined;
    const what = hostPathEscape(device === undefined ? m : { ...m, type: 'bind', source: device });
    if (what) {
      const how = device === undefined ? 'bind-mounts' : `mounts volume "${m.source}", which binds`;
      out.push(finding(svc, 'host-escape', 'high', m.line, `${how} ${what}${m.readOnly ? ' (read-only still shows its secrets and sockets)' : ''}: a way out of the container onto the host`, `remove the mount; give the service a named volume of its own data, or bind only the one file it needs from a folder of its own`));
    }
  }
  for (const key of HOST_NAMESPACE_KEYS) {
    if (svc.namespaces[key]?.trim().toLowerCase() === 'host') {
      out.push(finding(svc, 'host-escape', 'high', svc.lineOf(key), `${key}: host ${NAMESPACE_HARM[key]}`, `remove ${key}: host; the container's own namespace is the default`));
    }
  }
  svc.devices.forEach((d, i) => {
    out.push(finding(svc, 'host-escape', 'high', svc.lineOf('devices', i), `devices gives the container the host device ${d.source}: raw access to the hardware under the host (a disk device is every file on it)`, 'remove the device; a service of this stack needs none'));
  });
  svc.deviceCgroupRules.forEach((rule, i) => {
    out.push(finding(svc, 'host-escape', 'high', svc.lineOf('device_cgroup_rules', i), `device_cgroup_rules "${rule}" lets the container create and open host devices it matches`, 'remove device_cgroup_rules'));
  });
  svc.securityOpt.forEach((opt, i) => {
    if (UNCONFINED.test(opt.trim())) {
      out.push(finding(svc, 'host-escape', 'high', svc.lineOf('security_opt', i), `security_opt "${opt}" lifts the confinement (system-call filter, AppArmor or SELinux profile, masked /proc paths) that stands between the container and the kernel`, `remove "${opt}"; keep Docker's default profiles`));
    }
  });
  svc.volumesFrom.forEach((ref, i) => {
    const name = ref.replace(/:(ro|rw)$/, '');
    const other = ctx.doc.services.find((o) => o.name === name);
    const escape = other?.mounts.some((m) => hostPathEscape(m) !== null || (m.source !== null && /(^|\/)docker\.sock$/.test(m.source)));
    out.push(
      finding(
        svc,
        'host-escape',
        escape || !other ? 'high' : 'medium',
        svc.lineOf('volumes_from', i),
        other
          ? `volumes_from "${name}" inherits every mount of ${name}${escape ? ', host folders or the Docker socket included' : ', its data included'}`
          : `volumes_from "${ref}" inherits every mount of a container this file does not define, whatever host folders it has`,
        'mount the named volumes this service needs by name instead',
      ),
    );
  });
  return out;
};

const limitsRule: ServiceRule = ({ svc }) => {
  const missing = [svc.memLimit === null ? 'memory' : null, svc.cpus === null ? 'CPU' : null].filter(Boolean);
  if (missing.length === 0) return [];
  return [finding(svc, 'limits', 'medium', svc.line, `no ${missing.join(' or ')} limit: one runaway container can starve the others`, 'set mem_limit: 512m and cpus: "1.0" (or deploy.resources.limits)')];
};

const SHELL_BUILTINS = new Set(['exit', 'test', '[', ':', 'exec', 'printf', 'echo', 'true', 'false', 'cd', 'set', 'command']);

/** The programs a healthcheck test runs: CMD's first argument, or the first word of each CMD-SHELL command. */
export function healthcheckPrograms(test: string[]): string[] {
  const kind = test[0];
  if (kind === 'CMD') return test[1] ? [test[1].split('/').pop()!] : [];
  if (kind !== 'CMD-SHELL') return [];
  return (test[1] ?? '')
    .split(/&&|\|\||;|\|/)
    .map((seg) => seg.trim().replace(/^\(+/, '').replace(/^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+/, ''))
    .map((seg) => seg.split(/\s+/)[0] ?? '')
    .filter((w) => w !== '' && !w.includes('$') && !SHELL_BUILTINS.has(w) && !/^[<>0-9]/.test(w))
    .map((w) => w.split('/').pop()!);
}

const healthcheck: ServiceRule = ({ svc, profile }) => {
  const hc = svc.healthcheck;
  if (hc === null || hc.disabled || hc.test === null) {
    return [finding(svc, 'healthcheck', 'medium', svc.lineOf('healthcheck'), 'no healthcheck: Docker reports the service "Up" even when it no longer answers', 'add a healthcheck whose test calls the service, e.g. with a program the image has')];
  }
  if (!profile?.tools) return [];
  if (hc.test[0] === 'CMD-SHELL' && !profile.shell) {
    return [finding(svc, 'healthcheck', 'medium', svc.lineOf('healthcheck', 'test'), `the healthcheck needs a shell, and ${profile.name} has none: it always fails`, `use the image's -alpine variant, or a CMD test with a program ${profile.name} has`)];
  }
  const missing = healthcheckPrograms(hc.test).filter((p) => !profile.tools!.includes(p));
  return missing.map((p) =>
    finding(svc, 'healthcheck', 'medium', svc.lineOf('healthcheck', 'test'), `the healthcheck runs ${p}, which ${profile.name} does not have: it always fails`, `use a program the image has (${profile.tools!.join(', ')})`),
  );
};

const SECRET_NAME = /(PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_?KEY|ENCRYPTION_KEY|PRIVATE_KEY|CREDENTIALS?)$/i;

const secretsInline: ServiceRule = ({ svc }) =>
  [...svc.environment]
    .filter(([key, e]) => SECRET_NAME.test(key) && e.value !== null && e.value !== '' && !e.value.includes('$'))
    .map(([key, e]) =>
      finding(svc, 'secrets-inline', 'high', e.line, `${key} is written in the compose file: anyone who reads the file or \`docker inspect\` output has it`, `move it to the service's env_file (mode 0600) and keep only \${...} or nothing here`),
    );

const obsoleteSetting: ServiceRule = ({ svc, profile }) => {
  if (!profile) return [];
  return [...svc.environment].flatMap(([key, e]) => {
    const hit = profile.obsoleteEnv.find((o) => (o.pattern.endsWith('_') ? key.startsWith(o.pattern) : key === o.pattern));
    return hit ? [finding(svc, 'obsolete-setting', 'medium', e.line, `${key} is no longer read by ${profile.name}: it protects nothing`, `remove it; use ${hit.replacedBy}`)] : [];
  });
};

export const SERVICE_RULES: ServiceRule[] = [
  imagePinned,
  nonRoot,
  userMatchesImage,
  readOnly,
  writablePaths,
  tmpfsTmp,
  capDrop,
  privileged,
  noNewPrivileges,
  portsTunnelOnly,
  dockerSocket,
  dockerApiWrites,
  hostEscape,
  limitsRule,
  healthcheck,
  secretsInline,
  obsoleteSetting,
];

/** File-level: one network that every service shares (the implicit default one included) separates nothing. */
export function networksSeparated(ctx: RuleContext): ComposeFinding[] {
  const attached = ctx.doc.services.filter((s) => s.networkMode === null);
  if (attached.length < 3) return [];
  // Counted once per service and network: testing each network against every service was quadratic.
  const members = new Map<string, number>();
  for (const s of attached) for (const net of new Set(s.networks)) members.set(net, (members.get(net) ?? 0) + 1);
  const shared = [...members].filter(([, n]) => n === attached.length).map(([net]) => net);
  return shared.map((net) =>
    finding(
      null,
      'networks-separated',
      'medium',
      ctx.doc.networks.get(net)?.line ?? ctx.doc.servicesLine,
      `every service shares network "${net}": a compromised container can reach all the others`,
      'give each group that must talk its own network (internal: true where nothing goes out), e.g. n8n+postgres, n8n+qdrant, portainer+socket proxy',
    ),
  );
}

export function serviceFacts(svc: ServiceView): ServiceFacts {
  const ref = svc.image ? parseImageRef(svc.image) : null;
  return { svc, ref, profile: ref ? imageProfile(ref) : null };
}
