// Makes a Jett database on a private cluster: the role and database the VPS bundle would make, with the server schema.
import pg from 'pg';
import type { PgCluster, PgDatabase } from '../db/pg-cluster.js';
import { applyServerMigrations } from './server-schema.js';

export interface ProvisionOptions {
  database?: string;
  user?: string;
}

/** Creates the role and database (defaults: jett/jett) and applies the server migrations as that role. */
export async function provisionJettDatabase(cluster: PgCluster, opts: ProvisionOptions = {}): Promise<PgDatabase> {
  const db = await cluster.createDatabase(opts.database ?? 'jett', opts.user ?? 'jett');
  // Over the owner-only socket, so this works even when the server listens inside another network namespace.
  const client = new pg.Client({ host: cluster.socketDir, port: cluster.port, database: db.database, user: db.user });
  await client.connect();
  try {
    await applyServerMigrations(client);
  } finally {
    await client.end();
  }
  return db;
}
