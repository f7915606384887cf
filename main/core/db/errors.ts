// Errors of the local database: each says what failed and what to do.
import { JettError } from '../errors.js';

export class DatabaseError extends JettError {}
