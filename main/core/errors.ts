// Errors users can act on: each names what went wrong and, in `fix`, what to do next.

export class JettError extends Error {
  readonly fix: string;
  constructor(message: string, fix: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.fix = fix;
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
