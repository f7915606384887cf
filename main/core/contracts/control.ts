// The control endpoint's wire format: newline-delimited JSON requests and replies over the owner-only socket.
import { z } from 'zod';

/** The largest line either side accepts; anything longer is refused, never buffered without bound. */
export const CONTROL_MAX_LINE_BYTES = 1024 * 1024;

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
  /** JETT_HOME/control.token, which only the agent's user can read. */
  token: z.string().max(256).optional(),
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
