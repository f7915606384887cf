// The k-NN index over memory's vectors, in jett.db through sqlite-vec: a coarse pass over binary-quantized copies
// (vec0 bit[384], Hamming distance: 48 bytes an item) picks candidates, which are then ranked by the exact cosine
// distance of their float vectors. An exact float scan reads 32x the bytes; the coarse pass with 5x oversampling
// keeps recall@10 at or above 0.95 (bench:memory measures both). sqlite-vec picks a vec0 query's k best with one
// pass over a chunk's 1,024 distances per result kept, so a query costs about k passes over every distance: the
// items are spread by a hash of their rowid over 16 partitions, and each partition gives only its share of the
// candidates (an item among the best overall is among the best of its partition). The index is derived from
// memory_items and rebuilt from it when missing or of another shape, so it needs no migration of its own.
import { createRequire } from 'node:module';
import type { SqliteDb } from '../db/local-db.js';
import { JettError } from '../errors.js';

const require = createRequire(import.meta.url);

/** Candidates the coarse pass keeps per result wanted (and at least this many in all). */
export const OVERSAMPLE = 5;
const MIN_CANDIDATES = 50;
const PARTITIONS = 16;
/** An item's partition: the top 4 bits of its rowid times the golden ratio (in 32 bits), even for rowids in a row. */
const partitionOf = (rowid: string) => `((${rowid} * 2654435769) & 4294967295) >> 28`;

export class MemoryIndexError extends JettError {}

/** Loads sqlite-vec into this connection (once per connection), or says what to do. */
export function loadSqliteVec(db: SqliteDb): void {
  try {
    const loaded = db.prepare("SELECT count(*) FROM pragma_function_list WHERE name = 'vec_version'").pluck().get() as number;
    if (loaded > 0) return;
    (require('sqlite-vec') as { load(db: SqliteDb): void }).load(db);
  } catch (err) {
    throw new MemoryIndexError(`cannot load sqlite-vec, memory's vector index: ${(err as Error).message}`, 'reinstall Jett (the sqlite-vec package ships a prebuilt library per platform); voice works without memory meanwhile', { cause: err });
  }
}

export const vectorBlob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

export interface Neighbour {
  rowid: number;
  /** Cosine distance (1 - cosine similarity): 0 is the same direction. */
  distance: number;
}

export class VectorIndex {
  private readonly stmts;

  constructor(
    private readonly db: SqliteDb,
    readonly dims: number,
  ) {
    loadSqliteVec(db);
    const schema = `CREATE VIRTUAL TABLE memory_index USING vec0(part integer partition key, coarse bit[${dims}])`;
    const shape = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'memory_index'").pluck();
    if (shape.get() !== schema) {
      // Checked again under the write lock: the agent and a CLI opening jett.db together rebuild it once.
      db.transaction(() => {
        const current = shape.get() as string | undefined;
        if (current === schema) return;
        if (current !== undefined) db.exec('DROP TABLE memory_index');
        db.exec(schema);
        db.exec(`INSERT INTO memory_index (rowid, part, coarse) SELECT rowid, ${partitionOf('rowid')}, vec_quantize_binary(embedding) FROM memory_items WHERE forgotten_at IS NULL`);
      }).immediate();
    }
    this.stmts = {
      add: db.prepare(`INSERT INTO memory_index (rowid, part, coarse) VALUES (@rowid, ${partitionOf('@rowid')}, vec_quantize_binary(@vector))`),
      remove: db.prepare('DELETE FROM memory_index WHERE rowid = ?'),
      coarse: db.prepare('SELECT rowid FROM memory_index WHERE coarse MATCH vec_quantize_binary(?) AND k = ? AND part = ?').pluck(),
      rescore: db.prepare(
        'SELECT rowid, vec_distance_cosine(embedding, ?) AS distance FROM memory_items WHERE rowid IN (SELECT value FROM json_each(?)) AND forgotten_at IS NULL ORDER BY distance LIMIT ?',
      ),
    };
  }

  add(rowid: number, vector: Float32Array): void {
    this.check(vector);
    this.stmts.add.run({ rowid: BigInt(rowid), vector: vectorBlob(vector) });
  }

  remove(rowid: number): void {
    this.stmts.remove.run(BigInt(rowid));
  }

  /** The `k` nearest live items to `vector`, nearest first. */
  search(vector: Float32Array, k: number): Neighbour[] {
    this.check(vector);
    if (k <= 0) return [];
    const blob = vectorBlob(vector);
    const share = Math.ceil(Math.max(MIN_CANDIDATES, k * OVERSAMPLE) / PARTITIONS);
    const candidates: number[] = [];
    for (let part = 0; part < PARTITIONS; part++) candidates.push(...(this.stmts.coarse.all(blob, share, part) as number[]));
    if (candidates.length === 0) return [];
    return this.stmts.rescore.all(blob, JSON.stringify(candidates), k) as Neighbour[];
  }

  private check(vector: Float32Array): void {
    if (vector.length !== this.dims) throw new MemoryIndexError(`a ${vector.length}-dimensional vector for a ${this.dims}-dimensional memory index`, 'use a 384-dimensional embedding model (models.embed)');
  }
}
