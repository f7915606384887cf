// Errors users can act on: each names what went wrong and, in `fix`, what to do next; `code` says what kind of
// failure for a program (see contracts/errors.ts). One envelope carries them over IPC and the control endpoint.
import type { z } from 'zod';
import { errorMessage, type ErrorCode, type ErrorEnvelope, type FieldIssue } from './contracts/errors.js';

export { errorMessage };

export interface JettErrorOptions {
  cause?: unknown;
  /** 'failed' unless said otherwise: the operation failed, and `message` and `fix` say why and what to do. */
  code?: ErrorCode;
  /** Which fields were wrong, for 'invalid-params'. */
  issues?: FieldIssue[];
}

export class JettError extends Error {
  readonly fix: string;
  /** The envelope's `code`. Not `code`, which Node errors and drivers use for errno names and SQLSTATEs. */
  readonly errorCode: ErrorCode;
  readonly issues: FieldIssue[];
  constructor(message: string, fix: string, options: JettErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.fix = fix;
    this.errorCode = options.code ?? 'failed';
    this.issues = options.issues ?? [];
  }
}

export class ConfigError extends JettError {}
export class SecretError extends JettError {}
export class UsageError extends JettError {}

/** One or two lines for a terminal: "ConfigError: ... \n  fix: ...". */
export function formatError(err: unknown): string {
  if (err instanceof JettError) return `${err.name}: ${err.message}\n  fix: ${err.fix}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** Each field a schema refused, with its dotted path ('' for the value itself). */
export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * What a failed request answers, on IPC and the control endpoint alike. An unexpected error's text may hold anything
 * (a path, a driver's message with a secret in it): the caller gets a generic line, the log gets the detail.
 */
export function toErrorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof JettError) return { code: err.errorCode, name: err.name, message: err.message, fix: err.fix, issues: err.issues };
  return { code: 'internal', name: 'InternalError', message: 'an unexpected error stopped this request', fix: 'see the log in JETT_HOME/logs/jett.log', issues: [] };
}

/** The error a client rebuilds from an envelope: same name, code, message, fix and issues as the one thrown. */
export function fromErrorEnvelope(envelope: ErrorEnvelope): JettError {
  const err = new JettError(envelope.message, envelope.fix, { code: envelope.code, issues: envelope.issues });
  err.name = envelope.name;
  return err;
}
