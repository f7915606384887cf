// Errors of the local outbox: refused payloads and refused kinds, each with what to change.
import { JettError } from '../errors.js';

export class OutboxError extends JettError {}
