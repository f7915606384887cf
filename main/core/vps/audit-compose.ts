// `jett audit compose`: runs every rule over a compose file and returns the findings, sorted by line.
import fs from 'node:fs';
import type { ComposeAuditReport, ComposeFinding } from '../contracts/vps.js';
import { ComposeError, readComposeText } from './compose-doc.js';
import { networksSeparated, SERVICE_RULES, serviceFacts, type RuleContext } from './audit-rules.js';

export interface AuditOptions {
  /** The VPS tunnel address every published port must be bound to (config tunnel.peerAddress). */
  tunnelAddress: string;
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

export function auditComposeText(text: string, file: string, opts: AuditOptions): ComposeAuditReport {
  const doc = readComposeText(text, file);
  const ctx: RuleContext = { doc, tunnelAddress: opts.tunnelAddress };
  const findings: ComposeFinding[] = [
    ...doc.services.flatMap((svc) => {
      const facts = serviceFacts(svc);
      return SERVICE_RULES.flatMap((rule) => rule(facts, ctx));
    }),
    ...networksSeparated(ctx),
  ].sort((a, b) => a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const count = (s: keyof typeof SEVERITY_ORDER) => findings.filter((f) => f.severity === s).length;
  return {
    file,
    tunnelAddress: opts.tunnelAddress,
    services: doc.services.map((s) => s.name),
    findings,
    counts: { high: count('high'), medium: count('medium'), low: count('low') },
  };
}

export function auditComposeFile(file: string, opts: AuditOptions): ComposeAuditReport {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ComposeError(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code)}`,
      'pass the path of a docker-compose.yml, e.g. `jett audit compose /opt/jett/docker-compose.yml`',
      { cause: err },
    );
  }
  return auditComposeText(text, file, opts);
}
