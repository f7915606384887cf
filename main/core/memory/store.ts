// What Jett remembers, in jett.db (local migration 0005): items with their embeddings, the vector index over them,
// and the outbox event each shared item travels as, under the item's id as its event id. Adding an item and its event
// is one transaction; a private item never reaches the outbox. Forgetting redacts the row in place (text and vector),
// drops it from the index, and through the history's deletion redacts its outbox payload and sends a tombstone to the
// VPS.
import { MEMORY_ITEM_KIND, type MemoryItem, type MemoryItemEvent, type MemoryKind } from '../contracts/memory.js';
import type { SqliteDb } from '../db/local-db.js';
import type { EventBus } from '../events/bus.js';
import { redactEvents } from '../outbox/redact.js';
import type { Outbox } from '../outbox/store.js';
import { uuidv7 } from '../outbox/uuid7.js';
import { MEMORY_DIMS } from './embedder.js';
import { MemoryIndexError, VectorIndex, vectorBlob } from './vector-index.js';

export interface NewMemory {
  kind: MemoryKind;
  text: string;
  vector: Float32Array;
  model: string;
  private?: boolean;
}

export interface FoundMemory extends MemoryItem {
  /** Cosine distance to the query: 0 is the same meaning, 1 unrelated. */
  distance: number;
}

interface Row {
  rowid: number;
  id: string;
  at: string;
  kind: MemoryKind;
  text: string;
  private: number;
  model: string;
}

const COLUMNS = 'rowid, id, at, kind, text, private, model';
const toItem = (r: Row): MemoryItem => ({ id: r.id, at: r.at, text: r.text, kind: r.kind, private: r.private === 1 });

export interface MemoryStoreOptions {
  /** Where shared items go; without one (tests, a read-only CLI) nothing is queued and a forget is local only. */
  outbox?: Outbox | null;
  /** Told `events.redacted` after a forget (the window refreshes). */
  bus?: EventBus;
  now?: () => Date;
}

export class MemoryStore {
  readonly index: VectorIndex;
  private readonly stmts;
  private readonly now: () => Date;

  constructor(
    private readonly db: SqliteDb,
    private readonly opts: MemoryStoreOptions = {},
  ) {
    const has = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'memory_items'").pluck().get() as number;
    if (has === 0) throw new MemoryIndexError('jett.db has no memory table (local migration 0005 is missing)', 'update Jett: the migration ships with it');
    // A forgotten text is overwritten on its page, not left in free space for a file viewer to find.
    db.pragma('secure_delete = ON');
    this.index = new VectorIndex(db, MEMORY_DIMS);
    this.now = opts.now ?? (() => new Date());
    this.stmts = {
      insert: db.prepare('INSERT INTO memory_items (id, at, kind, text, private, model, embedding) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      list: db.prepare(`SELECT ${COLUMNS} FROM memory_items WHERE forgotten_at IS NULL ORDER BY rowid DESC LIMIT ? OFFSET ?`),
      byRowid: db.prepare(`SELECT ${COLUMNS} FROM memory_items WHERE rowid = ? AND forgotten_at IS NULL`),
      byId: db.prepare(`SELECT ${COLUMNS} FROM memory_items WHERE id = ? AND forgotten_at IS NULL`),
      recentTurns: db.prepare("SELECT rowid FROM memory_items WHERE kind = 'turn' AND forgotten_at IS NULL ORDER BY rowid DESC LIMIT ?").pluck(),
      redact: db.prepare("UPDATE memory_items SET text = '', embedding = x'', forgotten_at = ? WHERE id = ? AND forgotten_at IS NULL RETURNING rowid").pluck(),
      live: db.prepare('SELECT id FROM memory_items WHERE forgotten_at IS NULL').pluck(),
      any: db.prepare('SELECT 1 FROM memory_items WHERE forgotten_at IS NULL LIMIT 1').pluck(),
    };
  }

  /** Keeps one item (and, unless private, queues its event); returns it. */
  add(m: NewMemory): MemoryItem {
    const at = this.now();
    const item: MemoryItem = { id: uuidv7(at.getTime()), at: at.toISOString(), text: m.text, kind: m.kind, private: m.private ?? false };
    this.db.transaction(() => {
      const rowid = Number(this.stmts.insert.run(item.id, item.at, item.kind, item.text, item.private ? 1 : 0, m.model, vectorBlob(m.vector)).lastInsertRowid);
      this.index.add(rowid, m.vector);
      if (!item.private && this.opts.outbox) {
        const event: MemoryItemEvent = { id: item.id, at: item.at, kind: item.kind, text: item.text, model: m.model, vector: Array.from(m.vector) };
        this.opts.outbox.append(MEMORY_ITEM_KIND, event, { eventId: item.id });
      }
    })();
    return item;
  }

  /** Live items, newest first. */
  list(limit = 50, offset = 0): MemoryItem[] {
    return (this.stmts.list.all(limit, offset) as Row[]).map(toItem);
  }

  get(id: string): MemoryItem | null {
    const row = this.stmts.byId.get(id) as Row | undefined;
    return row ? toItem(row) : null;
  }

  /** Whether anything is remembered: asked before every recall, so it reads one row, never counts them all. */
  isEmpty(): boolean {
    return this.stmts.any.get() === undefined;
  }

  /**
   * The `k` items nearest in meaning to `vector`, nearest first. `skipRecentTurns` leaves out the newest answered
   * turns, which the prompt already carries word for word.
   */
  search(vector: Float32Array, k: number, skipRecentTurns = 0): FoundMemory[] {
    const skip = new Set(skipRecentTurns > 0 ? (this.stmts.recentTurns.all(skipRecentTurns) as number[]) : []);
    const found = this.index.search(vector, k + skip.size);
    const out: FoundMemory[] = [];
    for (const n of found) {
      if (skip.has(n.rowid)) continue;
      const row = this.stmts.byRowid.get(n.rowid) as Row | undefined;
      if (row) out.push({ ...toItem(row), distance: n.distance });
      if (out.length === k) break;
    }
    return out;
  }

  /**
   * Forgets these items here and, for shared ones, in the outbox and on the VPS: the history's deletion (outbox
   * payloads redacted in place, an `event.redact` tombstone queued, this store's rows redacted in the same
   * transaction), so a forget made offline reaches PostgreSQL and Qdrant when the tunnel returns.
   */
  forget(ids: readonly string[]): { forgotten: string[]; missing: string[] } {
    const forgotten: string[] = [];
    const local = (which: readonly string[] | null) => {
      const at = this.now().toISOString();
      let n = 0;
      for (const id of which ?? (this.stmts.live.all() as string[])) {
        const rowid = this.stmts.redact.get(at, id) as number | undefined;
        if (rowid === undefined) continue;
        this.index.remove(rowid);
        forgotten.push(id);
        n++;
      }
      return n;
    };
    const present = ids.map((id) => this.stmts.byId.get(id) as Row | undefined).filter((r): r is Row => r !== undefined);
    // A private item never left the desktop: no tombstone names it.
    const privateIds = present.filter((r) => r.private === 1).map((r) => r.id);
    const shared = present.filter((r) => r.private === 0).map((r) => r.id);
    if (privateIds.length > 0) this.db.transaction(() => local(privateIds))();
    if (shared.length > 0) {
      if (this.opts.outbox) redactEvents(this.opts.outbox, { kind: MEMORY_ITEM_KIND, ids: shared, reason: 'forget' }, { local, ...(this.opts.bus ? { bus: this.opts.bus } : {}), clock: this.now });
      else this.db.transaction(() => local(shared))();
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { forgotten, missing: ids.filter((id) => !forgotten.includes(id)) };
  }

  /** Every live item with the model that embedded it (`jett memory export`). */
  exportAll(): Array<MemoryItem & { model: string }> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM memory_items WHERE forgotten_at IS NULL ORDER BY rowid`).all() as Row[]).map((r) => ({ ...toItem(r), model: r.model }));
  }
}
