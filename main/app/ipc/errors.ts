// Errors of the window's IPC: a refused message says which channel and why, what the window should do, and its code
// (the shared error envelope's, contracts/errors.ts), with the fields that were wrong.
import type { ErrorCode, FieldIssue } from '../../core/contracts/errors.js';
import { JettError } from '../../core/errors.js';

export class IpcError extends JettError {
  constructor(message: string, fix: string, options: { code: ErrorCode; issues?: FieldIssue[] }) {
    super(message, fix, options);
  }
}
