// Errors of the window's IPC: a refused message says which channel and why, and what the window should do.
import { JettError } from '../../core/errors.js';

export class IpcError extends JettError {
  constructor(
    message: string,
    fix: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message, fix);
  }
}
