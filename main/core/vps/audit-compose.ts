// `jett audit compose`: reads a compose file (bounded, regular files only), runs every rule over it, applies the
// file's own x-jett-accept entries, and returns the findings sorted by line.
import fs from 'node:fs';
import { COMPOSE_RULE_IDS, type ComposeAuditReport, type ComposeFinding } from '../contracts/vps.js';
import { ComposeError, readComposeText, type ComposeDoc } from './compose-doc.js';
import { networksSeparated, SERVICE_RULES, serviceFacts, type RuleContext } from './audit-rules.js';

export interface AuditOptions {
  /** The VPS tunnel address every published port must be bound to (config tunnel.peerAddress). */
  tunnelAddress: string;
}

/** A compose file is a few KiB; 1 MiB leaves room for any real one and bounds memory and time. */
export const MAX_COMPOSE_BYTES = 1024 * 1024;

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

/** Entries of x-jett-accept that name no known rule or service, or give no reason, are findings themselves. */
function acceptanceFindings(doc: ComposeDoc): ComposeFinding[] {
  const services = new Set(doc.services.map((s) => s.name));
  const rules = new Set<string>(COMPOSE_RULE_IDS);
  return doc.accepts.flatMap((a) => {
    const problems = [
      rules.has(a.rule) ? null : `names the rule "${a.rule}", which the audit does not have`,
      services.has(a.service) ? null : `names the service "${a.service}", which the file does not define`,
      a.reason === '' ? 'gives no reason' : null,
    ].filter((p): p is string => p !== null);
    if (problems.length === 0) return [];
    return [
      {
        service: null,
        rule: 'acceptance' as const,
        severity: 'medium' as const,
        line: a.line,
        message: `an x-jett-accept entry ${problems.join(' and ')}: it accepts nothing`,
        fix: `each entry is {rule: RULE, service: SERVICE, reason: "why this is acceptable"}; the rules are ${COMPOSE_RULE_IDS.join(', ')}`,
        accepted: null,
      },
    ];
  });
}

export function auditComposeText(text: string, file: string, opts: AuditOptions): ComposeAuditReport {
  const doc = readComposeText(text, file);
  const ctx: RuleContext = { doc, tunnelAddress: opts.tunnelAddress };
  const accepted = new Map(doc.accepts.filter((a) => a.reason !== '').map((a) => [`${a.rule}\u0000${a.service}`, a.reason]));
  const raw: ComposeFinding[] = [
    ...doc.services.flatMap((svc) => {
      const facts = serviceFacts(svc);
      return SERVICE_RULES.flatMap((rule) => rule(facts, ctx));
    }),
    ...networksSeparated(ctx),
  ];
  // An acceptance is keyed to one rule and one service; the finding keeps its severity and says why it is accepted.
  const findings = [
    ...raw.map((f) => ({ ...f, accepted: f.service === null ? null : (accepted.get(`${f.rule}\u0000${f.service}`) ?? null) })),
    ...acceptanceFindings(doc),
  ].sort((a, b) => a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const open = findings.filter((f) => f.accepted === null);
  const count = (s: keyof typeof SEVERITY_ORDER) => open.filter((f) => f.severity === s).length;
  return {
    file,
    tunnelAddress: opts.tunnelAddress,
    services: doc.services.map((s) => s.name),
    findings,
    counts: { high: count('high'), medium: count('medium'), low: count('low'), accepted: findings.length - open.length },
  };
}

function unreadable(file: string, what: string, fix: string, cause?: unknown): ComposeError {
  return new ComposeError(`cannot read ${file}: ${what}`, fix, cause === undefined ? undefined : { cause });
}

const PASS_A_FILE = 'pass the path of a docker-compose.yml, e.g. `jett audit compose /opt/jett/docker-compose.yml`';

/**
 * Reads at most MAX_COMPOSE_BYTES of a regular file. It opens without blocking and checks the type before
 * reading, so a FIFO never waits for a writer and /dev/zero is refused instead of read until memory runs out.
 */
export function readComposeFile(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw unreadable(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code), PASS_A_FILE, err);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw unreadable(file, 'it is a folder', PASS_A_FILE);
    if (!st.isFile()) throw unreadable(file, 'it is not a regular file (a device, FIFO or socket)', `${PASS_A_FILE}; to audit a stream, save it to a file first`);
    const tooBig = () => unreadable(file, `it is larger than ${MAX_COMPOSE_BYTES} bytes (1 MiB), far more than any compose file`, 'pass the docker-compose.yml itself; split or trim a generated file');
    if (st.size > MAX_COMPOSE_BYTES) throw tooBig();
    // One byte over the limit tells a file that grew since fstat from one that is exactly at the limit.
    const buf = Buffer.alloc(MAX_COMPOSE_BYTES + 1);
    let n = 0;
    while (n < buf.length) {
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > MAX_COMPOSE_BYTES) throw tooBig();
    return buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export function auditComposeFile(file: string, opts: AuditOptions): ComposeAuditReport {
  return auditComposeText(readComposeFile(file), file, opts);
}
