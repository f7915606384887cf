// Builds the pg pool towards the VPS PostgreSQL from config postgres.* and the secret postgres.password.
import pg from 'pg';
import type { Config } from '../contracts/config.js';
import type { SecretStore } from '../secrets/store.js';
import { SyncError } from './errors.js';

export type PgPoolFactory = () => Promise<pg.Pool>;

export interface PgTimeouts {
  connectMs: number;
  /** Client-side limit on one query: a blackholed link fails here instead of hanging the queue. */
  queryMs: number;
}

export const DEFAULT_PG_TIMEOUTS: PgTimeouts = { connectMs: 10_000, queryMs: 30_000 };

/** Pool settings shared by the agent, the CLI, the tests and the benchmark. */
export function poolConfig(conn: pg.ClientConfig, timeouts: PgTimeouts = DEFAULT_PG_TIMEOUTS): pg.PoolConfig {
  return {
    ...conn,
    // One push, one pull, one LISTEN connection.
    max: 3,
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.queryMs,
    statement_timeout: timeouts.queryMs,
    idleTimeoutMillis: 60_000,
    keepAlive: true,
    application_name: 'jett-desktop',
  };
}

/** A factory that reads the password when the first connection is made, so a secret set later is picked up. */
export function configPoolFactory(config: Config['postgres'], secrets: SecretStore, timeouts?: PgTimeouts): PgPoolFactory {
  return async () => {
    const password = await secrets.get('postgres.password');
    if (!password) {
      throw new SyncError('the secret postgres.password is not set, so Jett cannot log in to the VPS database', 'run `jett secret set postgres.password < FILE` with the password from the VPS bundle');
    }
    return new pg.Pool(poolConfig({ host: config.host, port: config.port, database: config.database, user: config.user, password }, timeouts));
  };
}
