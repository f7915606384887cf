// The control endpoint's wire format: a mutual challenge-response, then newline-delimited JSON requests and replies.
import { z } from 'zod';

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

export const CONTROL_METHODS = [
  'status',
  'sync.once',
  'tunnel.up',
  'tunnel.down',
  'tunnel.nudge',
  'voice.toggle',
  'outbox.status',
  'outbox.append',
  'events.subscribe',
] as const;
export const ControlMethodSchema = z.enum(CONTROL_METHODS);
export type ControlMethod = z.infer<typeof ControlMethodSchema>;

/** The most events one `outbox.append` carries; they are appended in one local transaction. */
export const CONTROL_MAX_APPEND = 1000;

/** `outbox.append`: other programs on the desktop log events to the VPS through the running agent. */
export const OutboxAppendParamsSchema = z.strictObject({
  kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'kind is a short lowercase name such as note or automation.result'),
  payloads: z.array(z.unknown()).min(1).max(CONTROL_MAX_APPEND),
});
export type OutboxAppendParams = z.infer<typeof OutboxAppendParamsSchema>;

export const ControlRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  method: ControlMethodSchema,
  params: z.unknown().optional(),
});
export type ControlRequest = z.infer<typeof ControlRequestSchema>;

export const ControlErrorSchema = z.object({ name: z.string(), message: z.string(), fix: z.string() });

export const ControlReplySchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int().nullable(), ok: z.literal(false), error: ControlErrorSchema }),
]);
export type ControlReply = z.infer<typeof ControlReplySchema>;

/** Pushed to a connection after `events.subscribe`. */
export const ControlEventSchema = z.object({ event: z.string(), payload: z.unknown() });
