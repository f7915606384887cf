// The status snapshot: what the tray, the window, `jett agent` and the heartbeat all read the agent's state from.
import { z } from 'zod';
import { ModelsStatusSchema } from './models.js';
import { BargeInStatusSchema } from './voice.js';

/** 'unconfigured': no key, peer or endpoint yet; nothing is probed, retried or repaired until the settings exist. */
export const TunnelStateSchema = z.enum(['unconfigured', 'down', 'connecting', 'up', 'degraded', 'lost']);
export type TunnelState = z.infer<typeof TunnelStateSchema>;

export const VoiceStateSchema = z.enum(['off', 'idle', 'listening', 'thinking', 'speaking', 'error']);
export type VoiceState = z.infer<typeof VoiceStateSchema>;

/**
 * Hands-free with a wake word: whether it listens (`paused` from the tray, `off` when its models failed to load or
 * the activation is not hands-free), the word and threshold, and the detections and false wakes since the agent
 * started. `reason` says why it is off, or warns that voice.wakeWord none takes any speech as a question.
 */
export const WakeStatusSchema = z.object({
  listening: z.enum(['on', 'paused', 'off']),
  word: z.string(),
  threshold: z.number(),
  detections: z.number().int(),
  falseWakes: z.number().int(),
  reason: z.string().nullable(),
});
export type WakeStatus = z.infer<typeof WakeStatusSchema>;

/** What the health monitor knows of the tunnel right now. */
export const TunnelSnapshotSchema = z.object({
  state: TunnelStateSchema,
  reason: z.string(),
  handshakeAgeS: z.number().nullable(),
  rxBytes: z.number().nullable(),
  txBytes: z.number().nullable(),
  probeRttMs: z.number().nullable(),
  endpoint: z.string().nullable(),
});

/** Whether a service has what it needs to run (settings and secrets); when not, what is missing and the next step. */
export const ServiceSetupSchema = z.object({
  configured: z.boolean(),
  /** What is missing (or, when configured, a note such as a fallback in use); never a secret. */
  reason: z.string(),
  /** The next step: the window's screen and button, or the `jett` command; null when nothing is to do. */
  next: z.string().nullable(),
});
export type ServiceSetup = z.infer<typeof ServiceSetupSchema>;

/** Per service: set up or not; a service that is not set up is shown as such, never as a failure. */
export const SetupSnapshotSchema = z.object({
  tunnel: ServiceSetupSchema,
  sync: ServiceSetupSchema,
  heartbeat: ServiceSetupSchema,
  voice: ServiceSetupSchema,
});
export type SetupSnapshot = z.infer<typeof SetupSnapshotSchema>;
/**
 * Not root: the tunnel runs from what the privileged setup installed. Whether that still matches the saved settings
 * (`outdated`: a key, peer or endpoint changed since; `unknown`: no setup recorded by this version of Jett).
 */
export const TunnelSetupStatusSchema = z.object({
  state: z.enum(['current', 'outdated', 'unknown']),
  message: z.string(),
  /** The command (or the window's button) that runs the setup again; null when current. */
  fix: z.string().nullable(),
});
export type TunnelSetupStatus = z.infer<typeof TunnelSetupStatusSchema>;

export const StatusSnapshotSchema = z.object({
  agent: z.object({
    pid: z.number().int(),
    version: z.string(),
    startedAt: z.string(),
  }),
  tunnel: TunnelSnapshotSchema,
  outbox: z.object({
    pending: z.number().int(),
    oldestPendingAgeS: z.number().nullable(),
    dead: z.number().int(),
    lastSuccessAt: z.string().nullable(),
  }),
  inbox: z.object({ pending: z.number().int() }),
  heartbeat: z.object({
    lastSentAt: z.string().nullable(),
    failures: z.number().int(),
    /** Why the last beat failed (the webhook's own reason, sanitised); null once one succeeds; absent from older agents. */
    lastError: z.string().nullable().optional(),
  }),
  /** wake: hands-free's wake word; bargeIn: whether speech may interrupt a reply now, and why; both absent while voice does not run. */
  voice: z.object({ state: VoiceStateSchema, wake: WakeStatusSchema.optional(), bargeIn: BargeInStatusSchema.optional() }),
  /** Where the model engines run (execution provider, CPU fallback and why); absent until the voice engines load. */
  models: ModelsStatusSchema.optional(),
  /** What each service still needs before it runs; absent from agents older than this field. */
  setup: SetupSnapshotSchema.optional(),
  /** Present when the agent uses the installed tunnel setup (not root) and the tunnel is configured. */
  tunnelSetup: TunnelSetupStatusSchema.optional(),
});
export type StatusSnapshot = z.infer<typeof StatusSnapshotSchema>;

/** `jett status --json`: the running agent's snapshot, or why there is none. */
export const AgentStatusOutputSchema = z.object({
  running: z.boolean(),
  status: StatusSnapshotSchema.nullable(),
});
export type AgentStatusOutput = z.infer<typeof AgentStatusOutputSchema>;
