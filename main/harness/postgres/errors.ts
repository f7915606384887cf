// Errors of the private PostgreSQL clusters the tests and the demo start: each says what failed and what to do.
import { JettError } from '../../core/errors.js';

export class PgClusterError extends JettError {}
