// Builds the pg pool towards the VPS PostgreSQL from config postgres.* and the secret postgres.password: every
// connection passes the tunnel guard, and authenticates by SCRAM only. pg is imported when the first pool is made
// (the password is set): an agent whose sync is not configured never loads it.
import type pg from 'pg';
import type { Config } from '../contracts/config.js';
import type { SecretStore } from '../secrets/store.js';
import { guardedPgStream, type VpsGuard } from '../tunnel/vps-guard.js';
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

/**
 * A factory that checks the password is set when the pool is made, so a secret set later is picked up. Each new
 * connection then goes through `guard` (no TLS: inside the tunnel WireGuard encrypts and authenticates the VPS by
 * its key, and the guard refuses any other way there), and the password is read only for a SCRAM exchange.
 */
export function configPoolFactory(config: Config['postgres'], secrets: SecretStore, guard: VpsGuard, timeouts?: PgTimeouts): PgPoolFactory {
  const password = async () => {
    const value = await secrets.get('postgres.password');
    if (!value) {
      throw new SyncError('the secret postgres.password is not set, so Jett cannot log in to the VPS database', 'run `jett secret set postgres.password < FILE` with the password from the VPS bundle');
    }
    return value;
  };
  return async () => {
    await password();
    const [{ default: pgModule }, { scramOnlyClient }] = await Promise.all([import('pg'), import('./scram-only.js')]);
    return new pgModule.Pool({
      ...poolConfig({ host: config.host, port: config.port, database: config.database, user: config.user }, timeouts),
      stream: guardedPgStream(guard),
      Client: scramOnlyClient(password, `${config.host}:${config.port}`),
    });
  };
}
