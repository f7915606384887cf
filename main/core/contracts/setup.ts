// The first-run checklist's shapes: each step with its state and its one action, as main computes them
// (core/setup/checklist.ts) and the window and the tray show them. Nothing here is ever secret.
import { z } from 'zod';
import { LiveAuditReportSchema } from './vps.js';
import { SecretNameSchema } from './secrets.js';

export const SETUP_STEP_IDS = ['wireguard', 'keys', 'bundle', 'peer', 'privileged', 'connect', 'audit', 'models', 'ollama', 'voice'] as const;
export const SetupStepIdSchema = z.enum(SETUP_STEP_IDS);
export type SetupStepId = (typeof SETUP_STEP_IDS)[number];

/**
 * What the user can do about a step: press the button (the window knows which call each step's button makes), copy a
 * command or a link (shown as text to select: nothing opens a browser or a shell from here), or open another tab.
 */
export const SetupActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('button'), label: z.string() }),
  z.strictObject({ kind: z.literal('command'), label: z.string(), text: z.string() }),
  z.strictObject({ kind: z.literal('link'), label: z.string(), url: z.string().url() }),
  z.strictObject({ kind: z.literal('screen'), label: z.string(), screen: z.enum(['models', 'tunnel']) }),
  z.strictObject({ kind: z.literal('none') }),
]);
export type SetupAction = z.infer<typeof SetupActionSchema>;

export const SetupStepSchema = z.strictObject({
  id: SetupStepIdSchema,
  title: z.string(),
  /** "blocked": an earlier step must be done first (blockedBy names it); "error": it was tried and failed. */
  state: z.enum(['done', 'todo', 'blocked', 'error']),
  /** One line: what was found, or what is missing. */
  detail: z.string(),
  blockedBy: SetupStepIdSchema.nullable(),
  error: z.strictObject({ message: z.string(), fix: z.string() }).nullable(),
  action: SetupActionSchema,
});
export type SetupStep = z.infer<typeof SetupStepSchema>;

export const SetupViewSchema = z.strictObject({
  steps: z.array(SetupStepSchema).length(SETUP_STEP_IDS.length),
  done: z.number().int().min(0),
  total: z.number().int().positive(),
  /** The first step that is not done, with its action: what the tray offers. */
  next: SetupStepIdSchema.nullable(),
});
export type SetupView = z.infer<typeof SetupViewSchema>;

export const SetupBundleResultSchema = z.discriminatedUnion('canceled', [
  z.strictObject({ canceled: z.literal(true), view: SetupViewSchema }),
  z.strictObject({
    canceled: z.literal(false),
    dir: z.string(),
    fileCount: z.number().int(),
    /** Names of the secrets put into the one store (never their values). */
    storedSecrets: z.array(SecretNameSchema),
    view: SetupViewSchema,
  }),
]);
export type SetupBundleResult = z.infer<typeof SetupBundleResultSchema>;

/** What `install.sh` printed (pasted whole, or only its `jett tunnel peer` line). */
export const SetupPeerArgsSchema = z.strictObject({ text: z.string().min(1).max(8192) });

export const SetupPeerResultSchema = z.strictObject({
  peerFingerprint: z.string(),
  endpoint: z.string(),
  warnings: z.array(z.string()),
  view: SetupViewSchema,
});

export const SetupPrivilegedResultSchema = z.strictObject({
  /** "done": installed now; "sign-in-again": Windows, after a new group membership; "manual": run `command` yourself. */
  outcome: z.enum(['done', 'sign-in-again', 'manual']),
  command: z.string().nullable(),
  view: SetupViewSchema,
});
export type SetupPrivilegedResult = z.infer<typeof SetupPrivilegedResultSchema>;

export const SetupAuditResultSchema = z.strictObject({ report: LiveAuditReportSchema, view: SetupViewSchema });
export type SetupAuditResult = z.infer<typeof SetupAuditResultSchema>;
