// Voice turns in jett.db: each turn's record (latencies included) and, from the same rows, the last N exchanges
// that the LLM gets as memory. The table is the voice pipeline's own (voice_turns), created here if missing, so it
// does not depend on the outbox's migration sequence.
import type Database from 'better-sqlite3';
import { VoiceTurnRecordSchema, type VoiceTurnRecord } from '../contracts/voice.js';
import type { ChatMessage } from './engines.js';

export class VoiceStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS voice_turns (
      id TEXT PRIMARY KEY,
      at TEXT NOT NULL,
      outcome TEXT NOT NULL,
      transcript TEXT NOT NULL,
      reply TEXT NOT NULL,
      record TEXT NOT NULL
    )`);
  }

  save(record: VoiceTurnRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO voice_turns (id, at, outcome, transcript, reply, record) VALUES (?, ?, ?, ?, ?, ?)')
      .run(record.id, record.at, record.outcome, record.transcript, record.reply, JSON.stringify(record));
  }

  /** The last `n` answered exchanges, oldest first, as chat messages. */
  memory(n: number): ChatMessage[] {
    if (n <= 0) return [];
    const rows = this.db
      .prepare("SELECT transcript, reply FROM voice_turns WHERE outcome = 'answered' AND transcript <> '' ORDER BY rowid DESC LIMIT ?")
      .all(n) as Array<{ transcript: string; reply: string }>;
    return rows.reverse().flatMap((r) => [
      { role: 'user' as const, content: r.transcript },
      { role: 'assistant' as const, content: r.reply },
    ]);
  }

  /**
   * Past turns newest first, for the window's history and `jett voice history`: `search` matches the transcript or
   * the reply (case-insensitive, as plain text), `before` (a turn's `at`) pages back from there.
   */
  history(query: { limit: number; search?: string; before?: string }): VoiceTurnRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.search) {
      const like = `%${query.search.replace(/[\\%_]/g, '\\$&')}%`;
      where.push("(transcript LIKE ? ESCAPE '\\' OR reply LIKE ? ESCAPE '\\')");
      args.push(like, like);
    }
    if (query.before) {
      where.push('at < ?');
      args.push(query.before);
    }
    const sql = `SELECT record FROM voice_turns ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, rowid DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, query.limit) as Array<{ record: string }>;
    return rows.map((r) => VoiceTurnRecordSchema.parse(JSON.parse(r.record)));
  }

  /** Removes these turns (every turn when ids is null); returns how many rows went. */
  delete(ids: readonly string[] | null): number {
    if (ids === null) return this.db.prepare('DELETE FROM voice_turns').run().changes;
    return this.db.prepare('DELETE FROM voice_turns WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids)).changes;
  }

  recent(n: number): VoiceTurnRecord[] {
    const rows = this.db.prepare('SELECT record FROM voice_turns ORDER BY rowid DESC LIMIT ?').all(n) as Array<{ record: string }>;
    return rows.map((r) => VoiceTurnRecordSchema.parse(JSON.parse(r.record)));
  }
}
