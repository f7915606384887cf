// Test harness: a real PostgreSQL 15 cluster with the Jett schema, on a random port, stopped after the test file.
// The cluster code itself lives in main/harness/postgres/cluster.ts (the demo uses it too); this adds cleanup and helpers.
import fs from 'node:fs';
import pg from 'pg';
import { startPgCluster, type PgCluster, type PgClusterOptions, type PgDatabase } from '../../main/harness/postgres/cluster.js';
import { liveResources, type Registration } from '../../main/core/process/live-resources.js';
import { poolConfig, type PgTimeouts } from '../../main/core/sync/pg-pool.js';
import { provisionJettDatabase, type JettDatabase } from '../../main/harness/postgres/provision.js';

export interface TestPostgres {
  cluster: PgCluster;
  /** The desktop role's database (role and database `jett` unless told otherwise), server schema applied. */
  db: PgDatabase;
  /** Every role of the database as the VPS install makes them (desktop, n8n, backup). */
  roles: JettDatabase;
  /** Connection settings as the desktop role; host/port may be overridden (a fault proxy in between). */
  connection(over?: { host?: string; port?: number }): pg.ClientConfig;
  /** A pool as the agent builds it (same timeouts unless given). */
  pool(over?: { host?: string; port?: number }, timeouts?: PgTimeouts): pg.Pool;
  /** A superuser client over the Unix socket, connected to the app database. */
  admin(): Promise<pg.Client>;
  /** Runs one query as superuser on the app database. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  stop(): Promise<void>;
}

/**
 * If a test process exits without stopping a cluster, take its server down with it (SIGQUIT: immediate stop) and
 * remove its folder, as far as a synchronous exit handler can.
 */
function register(cluster: PgCluster): Registration {
  return liveResources.add({
    kind: 'postgres cluster',
    pid: cluster.pid,
    release: () => {
      try {
        process.kill(cluster.pid, 'SIGQUIT');
      } finally {
        fs.rmSync(cluster.dir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  });
}

export async function startPostgres(opts: PgClusterOptions & { database?: string; user?: string } = {}): Promise<TestPostgres> {
  const cluster = await startPgCluster(opts);
  const registration = register(cluster);
  let roles: JettDatabase;
  try {
    roles = await provisionJettDatabase(cluster, { database: opts.database, user: opts.user });
  } catch (err) {
    registration.forget();
    await cluster.stop();
    throw err;
  }
  const db = roles.desktop;
  const connection = (over: { host?: string; port?: number } = {}): pg.ClientConfig => ({
    host: over.host ?? db.host,
    port: over.port ?? db.port,
    database: db.database,
    user: db.user,
    password: db.password,
  });
  const admin = () => cluster.adminClient(db.database);
  return {
    cluster,
    db,
    roles,
    connection,
    pool: (over, timeouts) => new pg.Pool(poolConfig(connection(over), timeouts)),
    admin,
    async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      const c = await admin();
      try {
        return await c.query<R>(text, values);
      } finally {
        await c.end();
      }
    },
    async stop() {
      registration.forget();
      await cluster.stop();
    },
  };
}
