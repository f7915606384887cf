// Errors of the local database and of the private PostgreSQL clusters: each says what failed and what to do.
import { JettError } from '../errors.js';

export class DatabaseError extends JettError {}
export class PgClusterError extends JettError {}
