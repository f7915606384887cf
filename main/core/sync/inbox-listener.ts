// The LISTEN connection that rings the inbox puller when the VPS queues a request; proven alive each poll, since
// one on a dead link can look alive for hours.
import type pg from 'pg';
import type { Logger } from '../log/logger.js';
import type { ServerPool } from './server-pool.js';

export const INBOX_CHANNEL = 'jett_desktop_inbox';

export interface InboxListenerDeps {
  pool: ServerPool;
  log: Logger;
  /** Whether the link is live (started, tunnel not down): a connection made after it stopped being live is let go. */
  live: () => boolean;
  /** A notification came, or LISTEN just took effect: pull now. */
  ring: () => void;
}

export class InboxListener {
  private client: pg.PoolClient | null = null;
  private starting = false;

  constructor(private readonly deps: InboxListenerDeps) {}

  async ensure(): Promise<void> {
    const { live, log, ring } = this.deps;
    if (!live() || this.client || this.starting) return;
    this.starting = true;
    try {
      const pool = await this.deps.pool.get();
      const client = await pool.connect();
      client.on('notification', () => ring());
      client.on('error', (err) => {
        log.warn('the LISTEN connection failed; the poll reconnects it', { error: err.message });
        if (this.client === client) this.drop(err);
      });
      try {
        await client.query(`LISTEN ${INBOX_CHANNEL}`);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      if (!live()) {
        client.release();
        return;
      }
      this.client = client;
      // Whatever was queued before LISTEN took effect would ring no bell.
      ring();
    } catch (err) {
      log.debug('cannot LISTEN for inbox requests yet', { error: (err as Error).message });
    } finally {
      this.starting = false;
    }
  }

  /** A query on the connection each poll proves it; a dead one is replaced. */
  async check(): Promise<void> {
    const client = this.client;
    if (!client) return this.ensure();
    try {
      await client.query('SELECT 1');
    } catch (err) {
      if (this.client === client) this.drop(err as Error);
      return this.ensure();
    }
  }

  drop(err?: Error): void {
    const client = this.client;
    this.client = null;
    // Always destroyed, never reused: a pooled connection must not keep our LISTEN.
    client?.release(err ?? true);
  }
}
