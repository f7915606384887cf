// The VPS side's --json shapes: `jett audit compose`, `jett audit live` and `jett vps bundle`, and the audit's rules.
import { z } from 'zod';
import { SecretNameSchema } from './secrets.js';

export const AuditSeveritySchema = z.enum(['high', 'medium', 'low']);
export type AuditSeverity = z.infer<typeof AuditSeveritySchema>;

/** Every rule `jett audit compose` applies, with the one line a user reads to know what it checks. */
export const COMPOSE_RULES = {
  'image-pinned': 'the image names a fixed version (not :latest, a floating tag, or none)',
  'non-root': 'the container runs as a non-root user (knowing the default user of common images)',
  'user-matches-image': 'the user id is the one the image expects (postgres alpine 70, debian 999; n8n 1000)',
  'read-only': 'the root filesystem is read_only',
  'writable-paths': 'a read-only container has the writable paths its image needs (e.g. Qdrant snapshots)',
  'tmpfs-tmp': 'a read-only container gets a tmpfs /tmp mounted noexec,nosuid',
  'cap-drop': 'cap_drop holds ALL and nothing dangerous is added back',
  privileged: 'the container is not privileged',
  'no-new-privileges': 'security_opt holds no-new-privileges:true',
  'ports-tunnel-only': 'every published port is bound to the tunnel address (none on all interfaces, no host network)',
  'docker-socket': 'no raw Docker socket, except for a recognised socket proxy that is restricted and isolated',
  'docker-api-writes': 'no Docker API (socket proxy) that lets its clients create or start containers, which is root on the host',
  'host-escape': 'no setting that reaches out of the container: host folders, host namespaces, devices, unconfined seccomp/AppArmor',
  acceptance: 'every x-jett-accept entry names a known rule and service and gives its reason',
  limits: 'memory and CPU limits are set',
  healthcheck: 'a healthcheck exists and runs a program the image has',
  'secrets-inline': 'no password, token or key written in the compose file itself',
  'obsolete-setting': 'no setting the image no longer reads (n8n N8N_BASIC_AUTH_*)',
  'networks-separated': 'networks separate what need not talk (not one bridge every container shares)',
} as const satisfies Record<string, string>;

export type ComposeRuleId = keyof typeof COMPOSE_RULES;
export const COMPOSE_RULE_IDS = Object.keys(COMPOSE_RULES) as ComposeRuleId[];
export const ComposeRuleIdSchema = z.enum(COMPOSE_RULE_IDS as [ComposeRuleId, ...ComposeRuleId[]]);

export const ComposeFindingSchema = z.object({
  /** Null for a finding about the whole file (its networks). */
  service: z.string().nullable(),
  rule: ComposeRuleIdSchema,
  severity: AuditSeveritySchema,
  /** 1-based line in the file the finding points at. */
  line: z.number().int().min(1),
  message: z.string(),
  fix: z.string(),
  /** The reason from the file's x-jett-accept entry for this rule and service; null when nobody accepted it. */
  accepted: z.string().nullable(),
});
export type ComposeFinding = z.infer<typeof ComposeFindingSchema>;

/** Open findings by severity; accepted ones are counted apart, whatever their severity. */
export const SeverityCountsSchema = z.object({
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  accepted: z.number().int(),
});

/** `jett audit compose FILE --json`; the exit code is 1 when counts.high > 0 (open high findings). */
export const ComposeAuditReportSchema = z.object({
  file: z.string(),
  tunnelAddress: z.string(),
  services: z.array(z.string()),
  findings: z.array(ComposeFindingSchema),
  counts: SeverityCountsSchema,
});
export type ComposeAuditReport = z.infer<typeof ComposeAuditReportSchema>;

export const LiveCheckKindSchema = z.enum(['tunnel-port', 'public-port', 'handshake']);
export const LiveCheckSchema = z.object({
  kind: LiveCheckKindSchema,
  /** "n8n 10.0.0.2:5678", "postgres 203.0.113.7:5432", "handshake jett0". */
  name: z.string(),
  status: z.enum(['ok', 'fail', 'skipped']),
  detail: z.string(),
  fix: z.string().nullable(),
});
export type LiveCheck = z.infer<typeof LiveCheckSchema>;

/** `jett audit live --json`; the exit code is 1 when any check failed. */
export const LiveAuditReportSchema = z.object({
  tunnelAddress: z.string(),
  publicAddress: z.string().nullable(),
  interface: z.string(),
  checks: z.array(LiveCheckSchema),
  passed: z.boolean(),
});
export type LiveAuditReport = z.infer<typeof LiveAuditReportSchema>;

/** `jett vps bundle --out DIR --json`: what was written, and nothing secret. */
export const VpsBundleReportSchema = z.object({
  dir: z.string(),
  files: z.array(z.string()),
  vpsAddress: z.string(),
  desktopPublicKey: z.string(),
  images: z.record(z.string(), z.string()),
  /** Whether the sync's database password was stored as secret `postgres.password`. */
  storedSecrets: z.array(SecretNameSchema),
  /** The age public key the VPS encrypts its backups to. */
  backupRecipient: z.string(),
  /** Where the desktop keeps the matching private key (0600); null when the user gave --backup-recipient. */
  backupIdentityFile: z.string().nullable(),
  /** The admin URLs published behind Cloudflare Access; empty by default (only n8n's /webhook/ paths are public). */
  published: z.array(z.string()),
});
export type VpsBundleReport = z.infer<typeof VpsBundleReportSchema>;

