// The one pool of connections to the VPS PostgreSQL: made on first use (its schema version checked, never changed),
// dropped when the tunnel goes down, and the connections checked out of it known, so a query in flight can be cut.
import type pg from 'pg';
import type { Logger } from '../log/logger.js';
import type { PgPoolFactory } from './pg-pool.js';
import { checkServerSchema } from './schema-version.js';
import { withClient } from './server-api.js';

export class ServerPool {
  private poolP: Promise<pg.Pool> | null = null;
  /** Connections checked out of the pool right now (a push or a pull in flight). */
  private readonly inUse = new Set<pg.PoolClient>();

  constructor(
    private readonly factory: PgPoolFactory,
    private readonly log: Logger,
  ) {}

  get(): Promise<pg.Pool> {
    this.poolP ??= (async () => {
      const pool = await this.factory();
      pool.on('error', (err) => this.log.warn('an idle database connection failed', { error: err.message }));
      pool.on('acquire', (client) => this.inUse.add(client));
      pool.on('release', (_err, client) => this.inUse.delete(client));
      try {
        const schema = await withClient(pool, (c) => checkServerSchema(c));
        if (schema.server > schema.desktop) this.log.info('the VPS schema is newer than this Jett and says it still works with it', { ...schema });
      } catch (err) {
        await pool.end().catch(() => undefined);
        throw err;
      }
      return pool;
    })();
    const p = this.poolP;
    p.catch(() => {
      if (this.poolP === p) this.poolP = null;
    });
    return p;
  }

  /**
   * Cuts every query in flight: its TCP connection would otherwise sit in retransmission backoff for seconds after
   * the link returns, holding the one push loop. A push cut this way has an unknown outcome and is simply sent again.
   */
  cutInFlight(reason: string): void {
    for (const client of this.inUse) (client as unknown as pg.Client).connection.stream.destroy(new Error(reason));
    this.inUse.clear();
  }

  async drop(): Promise<void> {
    const p = this.poolP;
    this.poolP = null;
    if (!p) return;
    const pool = await p.catch(() => null);
    await pool?.end().catch(() => undefined);
  }
}
