// What the fault harness tells its child process (as JSON in FAULT_CHILD), shared by both sides.
import type pg from 'pg';

export interface ChildConfig {
  /** The child's local database (one per simulated desktop). */
  db: string;
  /** Where PostgreSQL is, usually through the fault proxy. */
  pg: pg.ClientConfig;
  /** Numbers of the events it appends: from, from+1, ... */
  from: number;
  count: number;
  batchRows: number;
  /** Most time between two appends (it pauses before about a fifth of them). */
  pauseMs: number;
  drainTimeoutMs: number;
  /** Lease on claimed inbox requests, short so that a crash's redelivery comes within a test. */
  leaseS: number;
  /** After the drain, wait until this many inbox requests are stored locally (the pull crash tests). */
  waitInbox: number;
  logFile: string;
}

export function childEnv(cfg: ChildConfig, failpoint?: string): NodeJS.ProcessEnv {
  return { ...process.env, JETT_FAILPOINT: failpoint ?? '', FAULT_CHILD: JSON.stringify(cfg) };
}
