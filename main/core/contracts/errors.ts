// The one error envelope: what a failed request answers on the window's IPC and on the control endpoint alike, so
// the window, the CLI and a tray attached to `jett agent` read the same code, message, fix and field issues.
import { z } from 'zod';

/**
 * What kind of failure, for a program to act on (the `name` says which error class, `message` and `fix` say it to
 * a person). Stable: a code is never renamed or reused for another meaning.
 */
export const ERROR_CODES = [
  /** Not JSON, an unknown method or channel, a field the request does not have, more than one argument. */
  'invalid-request',
  /** The params (the argument) broke the method's (the channel's) schema: `issues` names each field. */
  'invalid-params',
  /** The message is larger than the endpoint accepts. */
  'too-large',
  /** The caller is not trusted: not one of our windows, or it did not prove it knows the control token. */
  'refused',
  /** The answering side produced a reply that breaks the contract (a bug); nothing of it was believed. */
  'bad-reply',
  /** The agent is not there, or it closed the connection before it answered. */
  'unavailable',
  /** The operation failed for a reason the message explains and the fix addresses. */
  'failed',
  /** An unexpected error: its detail (which may hold anything) is only in the log. */
  'internal',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const FieldIssueSchema = z.strictObject({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

export const ErrorEnvelopeSchema = z.strictObject({
  code: ErrorCodeSchema,
  name: z.string(),
  message: z.string(),
  fix: z.string(),
  /** Which fields were wrong (for `invalid-params`), else empty. */
  issues: z.array(FieldIssueSchema),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** The text of anything thrown: an Error's message, else the value as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
