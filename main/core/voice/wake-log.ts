// False wakes in jett.db (table wake_events, local migration 0004): {at, score, word, threshold} and nothing else,
// never synced, so the user can see what woke Jett for nothing and tune voice.wakeThreshold.
import type Database from 'better-sqlite3';

export interface WakeRecord {
  at: string;
  word: string;
  score: number;
  threshold: number;
}

export class WakeLog {
  constructor(private readonly db: Database.Database) {}

  record(r: WakeRecord): void {
    this.db.prepare('INSERT INTO wake_events (at, word, score, threshold) VALUES (?, ?, ?, ?)').run(r.at, r.word, r.score, r.threshold);
  }

  /** The last `n` false wakes, newest first. */
  recent(n: number): WakeRecord[] {
    return this.db.prepare('SELECT at, word, score, threshold FROM wake_events ORDER BY id DESC LIMIT ?').all(n) as WakeRecord[];
  }
}
