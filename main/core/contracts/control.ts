// The control endpoint's contract: a mutual challenge-response, then newline-delimited JSON requests and replies, each
// method with its params and result schema, every bus event with its payload's, and the shared error envelope.
import { z } from 'zod';
import { ConfigSectionSchema } from './config.js';
import { ErrorEnvelopeSchema } from './errors.js';
import { RedactionResultSchema } from './redaction.js';
import { SECRET_NAMES, SecretNameSchema } from './secrets.js';
import type { JettEventName, JettEvents } from './events.js';
import { ExecutionProviderChoiceSchema, ModelDownloadProgressSchema } from './models.js';
import { StatusSnapshotSchema, TunnelStateSchema, VoiceStateSchema } from './status.js';
import { SyncOnceResultSchema } from './sync.js';
import { MemoryForgetOutputSchema, MemoryForgetSchema, MemoryViewQuerySchema, MemoryViewSchema } from './memory.js';
import { VoiceHistoryDeleteResultSchema, VoiceHistoryDeleteSchema, VoiceHistoryQuerySchema, VoiceHistorySchema } from './voice-history.js';
import { VoiceDevicesOutputSchema, VoiceStageEventSchema, VoiceTurnRecordSchema } from './voice.js';

/** The largest line either side accepts; anything longer is refused, never buffered without bound. */
export const CONTROL_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Named in the first line and in every proof, so a proof for another protocol (or version) is never accepted here.
 * The handshake: the agent sends a hello with a fresh nonce; the client answers HMAC-SHA256(token, "client"|agent
 * nonce|client nonce) and its own fresh nonce; the agent checks it and answers HMAC-SHA256(token, "server"|client
 * nonce|agent nonce); the client checks that before it sends a request or believes a reply. The token never crosses.
 */
export const CONTROL_PROTOCOL = 'jett-control/1';

/** How long either end waits for the other's part of the handshake. */
export const CONTROL_HANDSHAKE_TIMEOUT_MS = 5000;

const NonceSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a nonce is 32 random bytes in base64url');
const ProofSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a proof is an HMAC-SHA256 in hex');

/** The agent's first line: its challenge for this connection. */
export const ControlHelloSchema = z.strictObject({ hello: z.literal(CONTROL_PROTOCOL), nonce: NonceSchema });
/** The client's answer to the challenge, with its own challenge for the agent. */
export const ControlClientProofSchema = z.strictObject({ proof: ProofSchema, nonce: NonceSchema });
/** The agent's answer to the client's challenge. */
export const ControlServerProofSchema = z.strictObject({ proof: ProofSchema });

const NoParams = z.undefined();
/** A method that only acts: it answers `null`. */
const Done = z.null();

/** The most events one `outbox.append` carries; they are appended in one local transaction. */
export const CONTROL_MAX_APPEND = 1000;

/** `outbox.append`: other programs on the desktop log events to the VPS through the running agent. */
export const OutboxAppendParamsSchema = z.strictObject({
  kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'kind is a short lowercase name such as note or automation.result'),
  payloads: z.array(z.unknown()).min(1).max(CONTROL_MAX_APPEND),
});
export type OutboxAppendParams = z.infer<typeof OutboxAppendParamsSchema>;

/**
 * What changed outside config.json and the secret store that a service reads anyway: `speechModels`, a speech model
 * was pulled (voice is rebuilt from the models folder); `tunnelSetup`, the privileged setup was just made (the status
 * compares the installed tunnel with the settings again).
 */
export const ReloadRefreshSchema = z.enum(['speechModels', 'tunnelSetup']);
export type ReloadRefresh = z.infer<typeof ReloadRefreshSchema>;

/** `config.reload`: what a writer of config.json, the secret store or the models folder tells a running agent. */
export const ConfigReloadParamsSchema = z.strictObject({
  secrets: z.array(SecretNameSchema).max(SECRET_NAMES.length).optional(),
  refresh: z.array(ReloadRefreshSchema).max(ReloadRefreshSchema.options.length).optional(),
});
export const ConfigReloadResultSchema = z.strictObject({
  /** The sections whose services were rebuilt. */
  sections: z.array(ConfigSectionSchema),
  /** The tunnel runs from what the privileged setup installed, which no longer matches: run the setup again. */
  needsTunnelSetup: z.boolean(),
});
export type ConfigReloadResult = z.infer<typeof ConfigReloadResultSchema>;

/** `outbox.status`: the snapshot's outbox counts, how many rows went, and why the oldest has not. */
export const OutboxDetailSchema = StatusSnapshotSchema.shape.outbox.extend({ sent: z.number().int(), lastError: z.string().nullable() });

/**
 * Every event the agent publishes on its bus, with its payload's schema. Typed from the event map, so an event added
 * there does not type-check until it is here: a subscriber receives every one of them, and a client parses each.
 */
export const CONTROL_EVENTS: { [K in JettEventName]: z.ZodType<JettEvents[K]> } = {
  'tunnel.state': z.object({ from: TunnelStateSchema, to: TunnelStateSchema, reason: z.string(), at: z.string() }),
  'outbox.counts': StatusSnapshotSchema.shape.outbox,
  'inbox.counts': StatusSnapshotSchema.shape.inbox,
  'heartbeat.result': z.object({ ok: z.boolean(), at: z.string(), error: z.string().nullable() }),
  'voice.state': z.object({ state: VoiceStateSchema, at: z.string() }),
  'voice.turn': VoiceTurnRecordSchema,
  'voice.stage': VoiceStageEventSchema,
  'service.state': z.object({ service: z.string(), state: z.enum(['starting', 'running', 'failed', 'stopped']), error: z.string().nullable() }),
  notification: z.object({ title: z.string(), body: z.string() }),
  'models.progress': ModelDownloadProgressSchema,
  'models.executionProvider': ExecutionProviderChoiceSchema,
  'config.changed': z.object({ sections: z.array(ConfigSectionSchema), at: z.string() }),
  'config.invalid': z.object({ message: z.string(), fix: z.string(), at: z.string() }),
  'events.redacted': RedactionResultSchema,
};
/** The names a subscriber receives: all of the event map's. */
export const CONTROL_EVENT_NAMES = Object.keys(CONTROL_EVENTS) as JettEventName[];

/** Every method: its params (validated by the agent before the method runs) and its result (parsed by the client). */
export const CONTROL_METHODS = {
  status: { params: NoParams, result: StatusSnapshotSchema },
  'sync.once': { params: NoParams, result: SyncOnceResultSchema.pick({ pushed: true, rejected: true, pulled: true, handled: true, lastSeq: true }) },
  'tunnel.up': { params: NoParams, result: Done },
  'tunnel.down': { params: NoParams, result: Done },
  /** Probe the tunnel now (the OS resumed or changed networks). */
  'tunnel.nudge': { params: NoParams, result: Done },
  'voice.toggle': { params: NoParams, result: Done },
  /** The tray's one click: hands-free listening for the wake word paused or resumed. */
  'voice.handsFree': { params: z.strictObject({ paused: z.boolean() }), result: Done },
  /** Hold-to-talk: the key went down (a turn starts) or up (the turn ends there). */
  'voice.hold': { params: z.strictObject({ down: z.boolean() }), result: Done },
  'outbox.status': { params: NoParams, result: OutboxDetailSchema },
  'outbox.append': { params: OutboxAppendParamsSchema, result: z.object({ first: z.number().int(), last: z.number().int() }) },
  /** Read config.json again (and the named secrets, which changed in the store): the agent rebuilds what changed. */
  'config.reload': { params: ConfigReloadParamsSchema, result: ConfigReloadResultSchema },
  /** From now on this connection also receives `{event, payload}` lines, one per bus event. */
  'events.subscribe': { params: NoParams, result: z.object({ subscribed: z.array(z.string()) }) },
  /** Past voice turns, newest first (the window's history, `jett voice history`). */
  'voice.history': { params: VoiceHistoryQuerySchema, result: VoiceHistorySchema },
  /** Deletes turns here and, through the outbox, on the VPS (contracts/redaction.ts). */
  'voice.history.delete': { params: VoiceHistoryDeleteSchema, result: VoiceHistoryDeleteResultSchema },
  /** The microphones the agent's recorder can name (`jett voice devices`). */
  'voice.devices': { params: NoParams, result: VoiceDevicesOutputSchema },
  /** What Jett remembers, newest first or searched (the window's memory view). */
  'memory.list': { params: MemoryViewQuerySchema, result: MemoryViewSchema },
  /** Forgets items here and, through the outbox, on the VPS (as `jett memory forget`). */
  'memory.forget': { params: MemoryForgetSchema, result: MemoryForgetOutputSchema },
} as const;

export type ControlMethod = keyof typeof CONTROL_METHODS;
export const ControlMethodSchema = z.enum(Object.keys(CONTROL_METHODS) as [ControlMethod, ...ControlMethod[]]);
export type ControlParams<M extends ControlMethod> = z.input<(typeof CONTROL_METHODS)[M]['params']>;
export type ControlResult<M extends ControlMethod> = z.output<(typeof CONTROL_METHODS)[M]['result']>;

export const ControlRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  method: ControlMethodSchema,
  params: z.unknown().optional(),
});
export type ControlRequest = z.infer<typeof ControlRequestSchema>;

export const ControlReplySchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int().nullable(), ok: z.literal(false), error: ErrorEnvelopeSchema }),
]);
export type ControlReply = z.infer<typeof ControlReplySchema>;

/** Pushed to a connection after `events.subscribe`; the client parses `payload` with CONTROL_EVENTS[event]. */
export const ControlEventSchema = z.object({ event: z.string(), payload: z.unknown() });

/** One event as a client receives it, its payload typed by its name. */
export type ControlEvent = { [K in JettEventName]: { event: K; payload: JettEvents[K] } }[JettEventName];
