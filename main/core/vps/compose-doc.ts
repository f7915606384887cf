// Reads a compose file into a typed view of each service, keeping the line of every key so findings can point at it.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { JettError } from '../errors.js';

export class ComposeError extends JettError {}

export interface PortBinding {
  /** The text as written (or rebuilt from the long syntax), for messages. */
  text: string;
  /** Host address; null means every interface (no address, 0.0.0.0 or ::). */
  hostIp: string | null;
  /** The host address names a variable the audit cannot resolve. */
  interpolated: boolean;
  line: number;
}

export interface Mount {
  /** Host path, volume name or null for an anonymous volume. */
  source: string | null;
  target: string;
  type: 'bind' | 'volume' | 'tmpfs';
  readOnly: boolean;
  options: string[];
  line: number;
}

export interface EnvEntry {
  value: string | null;
  line: number;
}

export interface ServiceView {
  name: string;
  line: number;
  image: string | null;
  user: string | null;
  readOnly: boolean;
  privileged: boolean;
  capDrop: string[];
  capAdd: string[];
  securityOpt: string[];
  networkMode: string | null;
  ports: PortBinding[];
  mounts: Mount[];
  environment: Map<string, EnvEntry>;
  memLimit: string | null;
  cpus: string | null;
  healthcheck: { test: string[] | null; disabled: boolean } | null;
  networks: string[];
  namespaces: Record<HostNamespaceKey, string | null>;
  devices: DeviceMapping[];
  deviceCgroupRules: string[];
  volumesFrom: string[];
  /** Line of a key of this service, or of the service itself when the key is absent. */
  lineOf(...path: (string | number)[]): number;
}

/** The keys that can put a container in one of the host's own namespaces (value "host"). */
export const HOST_NAMESPACE_KEYS = ['pid', 'ipc', 'userns_mode', 'uts', 'cgroup'] as const;
export type HostNamespaceKey = (typeof HOST_NAMESPACE_KEYS)[number];

export interface DeviceMapping {
  /** The host device, e.g. /dev/sda. */
  source: string;
  line: number;
}

/** One entry of the file's `x-jett-accept:` list: a finding its author accepts, with the reason. */
export interface Acceptance {
  rule: string;
  service: string;
  reason: string;
  line: number;
}

export interface NetworkView {
  name: string;
  internal: boolean;
  line: number;
}

export interface ComposeDoc {
  file: string;
  services: ServiceView[];
  networks: Map<string, NetworkView>;
  servicesLine: number;
  accepts: Acceptance[];
  /** Named volumes of the local driver that bind a host folder (driver_opts o: bind, device: PATH), by name. */
  hostVolumes: Map<string, string>;
}

type Path = (string | number)[];

/** The separator of an index key: a character no YAML key of a compose file holds. */
const SEP = '\u0000';

/**
 * The line of every key and list item, indexed by its path, from one walk of the YAML tree, and the first key
 * that a mapping repeats. Both used to cost a scan per key: looking lines up from the root for each finding, and
 * the yaml package's own uniqueKeys check, which compares each key with every earlier one of its mapping
 * (40,000 keys: 20 s instead of 0.6 s). Here a Set per mapping makes the duplicate check linear.
 */
function lineIndex(doc: Document, lc: LineCounter): { index: Map<string, number>; duplicate: { key: string; line: number } | null } {
  const index = new Map<string, number>();
  let duplicate: { key: string; line: number } | null = null;
  const walk = (node: unknown, prefix: string) => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        const range = (pair.key as Node).range;
        const line = range ? lc.linePos(range[0]).line : null;
        // "<<" may repeat: each merges another anchor in.
        if (seen.has(name) && name !== '<<') duplicate ??= { key: name, line: line ?? 1 };
        seen.add(name);
        const key = `${prefix}${SEP}${name}`;
        if (line !== null && !index.has(key)) index.set(key, line);
        walk(pair.value, key);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const key = `${prefix}${SEP}${i}`;
        const range = (item as Node | null)?.range;
        if (range) index.set(key, lc.linePos(range[0]).line);
        walk(item, key);
      });
    }
  };
  walk(doc.contents, '');
  return { index, duplicate };
}

/** The line of the deepest part of `path` the file spells out (a key merged in from an anchor has none of its own). */
function lineAt(index: Map<string, number>, path: Path): number | null {
  const keys: string[] = [];
  let key = '';
  for (const seg of path) keys.push((key = `${key}${SEP}${String(seg)}`));
  for (let i = keys.length - 1; i >= 0; i--) {
    const line = index.get(keys[i]!);
    if (line !== undefined) return line;
  }
  return null;
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function strList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => str(x)).filter((x): x is string => x !== null);
  const s = str(v);
  return s === null ? [] : [s];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses "ADDR:PUB:TARGET/proto" and its shorter forms into the host address they bind. */
export function parsePortText(text: string): { hostIp: string | null; explicitHost: string | null } {
  const body = text.replace(/\/(tcp|udp|sctp)$/i, '');
  let host: string | null = null;
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(body);
  if (bracket) {
    host = bracket[1]!;
  } else {
    const parts = body.split(':');
    if (parts.length >= 3) host = parts.slice(0, parts.length - 2).join(':');
  }
  if (host === null || host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') return { hostIp: null, explicitHost: host };
  return { hostIp: host, explicitHost: host };
}

function parsePorts(raw: unknown, lineOf: (...p: Path) => number): PortBinding[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((item, i) => {
    const line = lineOf('ports', i);
    if (isRecord(item)) {
      const hostIp = str(item.host_ip);
      const text = `${hostIp ? `${hostIp}:` : ''}${str(item.published) ?? ''}:${str(item.target) ?? ''}`;
      const all = hostIp === null || hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::';
      return { text, hostIp: all ? null : hostIp, interpolated: !!hostIp?.includes('$'), line };
    }
    const text = str(item) ?? '';
    const { hostIp } = parsePortText(text);
    return { text, hostIp, interpolated: !!hostIp?.includes('$'), line };
  });
}

function parseMounts(svc: Record<string, unknown>, lineOf: (...p: Path) => number): Mount[] {
  const out: Mount[] = [];
  const volumes = Array.isArray(svc.volumes) ? svc.volumes : [];
  volumes.forEach((item, i) => {
    const line = lineOf('volumes', i);
    if (isRecord(item)) {
      const type = str(item.type) === 'bind' ? 'bind' : str(item.type) === 'tmpfs' ? 'tmpfs' : 'volume';
      out.push({ source: str(item.source), target: str(item.target) ?? '', type, readOnly: item.read_only === true, options: [], line });
      return;
    }
    const text = str(item) ?? '';
    const parts = text.split(':');
    if (parts.length === 1) {
      out.push({ source: null, target: parts[0]!, type: 'volume', readOnly: false, options: [], line });
      return;
    }
    const [source, target, mode = ''] = parts as [string, string, string?];
    const options = mode.split(',').filter(Boolean);
    const bind = /^[./~$]/.test(source);
    out.push({ source, target, type: bind ? 'bind' : 'volume', readOnly: options.includes('ro'), options, line });
  });
  strList(svc.tmpfs).forEach((text, i) => {
    const [target = '', opts = ''] = text.split(/:(.*)/s);
    const line = Array.isArray(svc.tmpfs) ? lineOf('tmpfs', i) : lineOf('tmpfs');
    out.push({ source: null, target, type: 'tmpfs', readOnly: false, options: opts.split(',').filter(Boolean), line });
  });
  return out;
}

function parseEnv(raw: unknown, lineOf: (...p: Path) => number): Map<string, EnvEntry> {
  const env = new Map<string, EnvEntry>();
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      const text = str(item) ?? '';
      const eq = text.indexOf('=');
      env.set(eq < 0 ? text : text.slice(0, eq), { value: eq < 0 ? null : text.slice(eq + 1), line: lineOf('environment', i) });
    });
  } else if (isRecord(raw)) {
    for (const [k, v] of Object.entries(raw)) env.set(k, { value: str(v), line: lineOf('environment', k) });
  }
  return env;
}

function parseDevices(raw: unknown, lineOf: (...p: Path) => number): DeviceMapping[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item, i) => {
    // Short syntax "HOST[:CONTAINER[:PERMS]]"; the long syntax names the host device `source`.
    const source = isRecord(item) ? str(item.source) : (str(item)?.split(':')[0] ?? null);
    return source ? [{ source, line: lineOf('devices', i) }] : [];
  });
}

function parseAccepts(raw: unknown, lineOf: (...p: Path) => number): Acceptance[] {
  if (raw === undefined || raw === null) return [];
  // Anything but a list accepts nothing: one empty entry, which the audit reports as naming no rule.
  if (!Array.isArray(raw)) return [{ rule: '', service: '', reason: '', line: lineOf() }];
  return raw.map((item, i) => {
    const entry = isRecord(item) ? item : {};
    return { rule: str(entry.rule) ?? '', service: str(entry.service) ?? '', reason: (str(entry.reason) ?? '').trim(), line: lineOf(i) };
  });
}

function parseHealthcheck(raw: unknown): ServiceView['healthcheck'] {
  if (!isRecord(raw)) return null;
  const disabled = raw.disable === true;
  const test = raw.test;
  if (typeof test === 'string') return { test: ['CMD-SHELL', test], disabled };
  if (Array.isArray(test)) {
    const list = strList(test);
    return { test: list, disabled: disabled || list[0] === 'NONE' };
  }
  return { test: null, disabled };
}

function limits(svc: Record<string, unknown>): { mem: string | null; cpus: string | null } {
  const deploy = isRecord(svc.deploy) ? svc.deploy : {};
  const resources = isRecord(deploy.resources) ? deploy.resources : {};
  const lim = isRecord(resources.limits) ? resources.limits : {};
  return { mem: str(svc.mem_limit) ?? str(lim.memory), cpus: str(svc.cpus) ?? str(lim.cpus) };
}

/** Parses compose YAML. Malformed YAML and files that are not compose files get a ComposeError naming the line. */
export function readComposeText(text: string, file: string): ComposeDoc {
  const lc = new LineCounter();
  // merge: compose files share settings through x- anchors and "<<: *defaults" (YAML 1.1 merge keys).
  // uniqueKeys is checked by lineIndex, in linear time.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, merge: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = `line ${lc.linePos(e.pos[0]).line}`;
    throw new ComposeError(
      `${file}: not valid YAML (${where}: ${e.message.split('\n')[0]})`,
      'fix the YAML at that line (indentation, an unclosed quote or a duplicate key), then run the audit again',
    );
  }
  const { index, duplicate } = lineIndex(doc, lc);
  if (duplicate) {
    throw new ComposeError(
      `${file}: not valid YAML (line ${duplicate.line}: Map keys must be unique; "${duplicate.key}" is repeated)`,
      'remove one of the two keys (compose would silently keep only the last), then run the audit again',
    );
  }
  let root: unknown;
  try {
    // The alias limit stops a "billion laughs" file from expanding without end.
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ComposeError(`${file}: the YAML cannot be expanded (${(err as Error).message})`, 'use fewer nested aliases (*name); a compose file needs only a few', { cause: err });
  }
  if (!isRecord(root) || !isRecord(root.services) || Object.keys(root.services).length === 0) {
    throw new ComposeError(
      `${file}: not a compose file (no "services:" mapping with at least one service)`,
      'pass the docker-compose.yml that defines your services, e.g. `jett audit compose /opt/jett/docker-compose.yml`',
    );
  }
  const servicesLine = lineAt(index, ['services']) ?? 1;
  const services: ServiceView[] = [];
  for (const [name, value] of Object.entries(root.services)) {
    if (!isRecord(value)) {
      throw new ComposeError(
        `${file}: service "${name}" is not a mapping (line ${lineAt(index, ['services', name]) ?? servicesLine})`,
        'each service needs keys such as image:, user: and ports:',
      );
    }
    const svc = value;
    const base = lineAt(index, ['services', name]) ?? servicesLine;
    const lineOf = (...path: Path) => lineAt(index, ['services', name, ...path]) ?? base;
    const { mem, cpus } = limits(svc);
    const networkMode = str(svc.network_mode);
    const nets = Array.isArray(svc.networks) ? strList(svc.networks) : isRecord(svc.networks) ? Object.keys(svc.networks) : [];
    services.push({
      name,
      line: base,
      image: str(svc.image),
      user: str(svc.user),
      readOnly: svc.read_only === true,
      privileged: svc.privileged === true,
      capDrop: strList(svc.cap_drop),
      capAdd: strList(svc.cap_add),
      securityOpt: strList(svc.security_opt),
      networkMode,
      ports: parsePorts(svc.ports, lineOf),
      mounts: parseMounts(svc, lineOf),
      environment: parseEnv(svc.environment, lineOf),
      memLimit: mem,
      cpus,
      healthcheck: parseHealthcheck(svc.healthcheck),
      networks: nets.length === 0 && networkMode === null ? ['default'] : nets,
      namespaces: Object.fromEntries(HOST_NAMESPACE_KEYS.map((k) => [k, str(svc[k])])) as ServiceView['namespaces'],
      devices: parseDevices(svc.devices, lineOf),
      deviceCgroupRules: strList(svc.device_cgroup_rules),
      volumesFrom: strList(svc.volumes_from),
      lineOf,
    });
  }
  const networks = new Map<string, NetworkView>();
  if (isRecord(root.networks)) {
    for (const [name, value] of Object.entries(root.networks)) {
      const net = isRecord(value) ? value : {};
      networks.set(name, {
        name,
        internal: net.internal === true,
        line: lineAt(index, ['networks', name]) ?? 1,
      });
    }
  }
  const hostVolumes = new Map<string, string>();
  if (isRecord(root.volumes)) {
    for (const [name, value] of Object.entries(root.volumes)) {
      const opts = isRecord(value) && isRecord(value.driver_opts) ? value.driver_opts : {};
      const device = str(opts.device);
      if (device && (str(opts.o) ?? '').split(',').some((o) => o === 'bind' || o === 'rbind')) hostVolumes.set(name, device);
    }
  }
  return { file, services, networks, servicesLine, hostVolumes, accepts: parseAccepts(root['x-jett-accept'], (...p) => lineAt(index, ['x-jett-accept', ...p]) ?? 1) };
}
