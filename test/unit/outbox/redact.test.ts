// Deleting logged events on the desktop (a real jett.db): payloads redacted in place with their seqs kept, the
// caller's rows removed, a tombstone queued, the deleted text in neither the database file nor its WAL, bad requests
// refused having changed nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REDACT_KIND, REDACT_MAX_IDS, RedactionSchema } from '../../../main/core/contracts/redaction.js';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { redactEvents } from '../../../main/core/outbox/redact.js';
import { batchRows, Outbox } from '../../../main/core/outbox/store.js';
import { VoiceHistory } from '../../../main/core/voice/history.js';
import { VoiceStore } from '../../../main/core/voice/store.js';
import { REDACTION_SAMPLE, voiceTurn } from '../../helpers/event-samples.js';
import { tempDir } from '../../helpers/tmp.js';

const opened: LocalDb[] = [];
afterEach(() => {
  for (const l of opened.splice(0)) if (l.db.open) l.close();
});

function desk() {
  const file = path.join(tempDir('jett-redact-'), 'jett.db');
  const local = openLocalDb(file);
  opened.push(local);
  const outbox = new Outbox(local);
  const store = new VoiceStore(local.db);
  const bus = new EventBus();
  const history = new VoiceHistory(local.db, outbox, { bus });
  /** A turn as the agent records it: its row in voice_turns and its event in the outbox. */
  const turn = (id: string, transcript: string, reply = `reply to ${transcript}`) => {
    const record = { ...voiceTurn(id, 900), transcript, reply, at: new Date(Date.UTC(2026, 10, 29, 10, 0, Number(id.replace(/\D/g, '')) || 0)).toISOString() };
    store.save(record);
    return outbox.append('voice.turn', record);
  };
  const rows = () => batchRows(outbox.nextBatch({ maxRows: 100_000, maxBytes: Number.MAX_SAFE_INTEGER }));
  const fileText = () => [file, `${file}-wal`].map((f) => (fs.existsSync(f) ? fs.readFileSync(f).toString('latin1') : '')).join('');
  return { file, local, outbox, store, bus, history, turn, rows, fileText };
}

describe('redactEvents', () => {
  it('deletes one turn: its outbox row keeps its seq with the payload redacted, its voice_turns row goes, a tombstone follows', () => {
    const d = desk();
    d.turn('turn-1', 'the first question');
    const second = d.turn('turn-2', 'my bank PIN is 4711');
    d.turn('turn-3', 'the third question');
    const seen: unknown[] = [];
    d.bus.on('events.redacted', (r) => seen.push(r));

    const result = d.history.delete({ ids: ['turn-2'] });

    expect(result).toMatchObject({ kind: 'voice.turn', ids: ['turn-2'], all: false, outboxRows: 1, localRows: 1, tombstones: [4] });
    expect(seen).toEqual([result]);
    const rows = d.rows();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(rows[1]).toMatchObject({ seq: second.seq, eventId: second.eventId, kind: 'voice.turn' });
    expect(JSON.parse(rows[1]!.payload)).toEqual({ id: 'turn-2', redacted: true });
    expect(rows[3]!.kind).toBe(REDACT_KIND);
    expect(RedactionSchema.parse(JSON.parse(rows[3]!.payload))).toEqual({ kind: 'voice.turn', ids: ['turn-2'], all: false, reason: 'user deleted' });
    expect(JSON.parse(rows[0]!.payload).transcript).toBe('the first question');
    expect(d.history.list().map((t) => t.id)).toEqual(['turn-3', 'turn-1']);
    // The text is gone from the database file and its WAL, not only from the rows a query sees.
    expect(d.fileText()).not.toContain('bank PIN is 4711');
    expect(d.fileText()).toContain('the third question');
  });

  it('deletes all turns: every voice.turn row redacted in place, nothing else touched, one tombstone with all', () => {
    const d = desk();
    for (let i = 1; i <= 5; i++) d.turn(`turn-${i}`, `secret number ${i}`);
    d.outbox.append('note', { id: 'turn-1', text: 'not a voice turn' });
    const result = d.history.delete({ all: true });
    expect(result).toMatchObject({ all: true, ids: [], outboxRows: 5, localRows: 5, tombstones: [7] });
    const rows = d.rows();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows.slice(0, 5).map((r) => JSON.parse(r.payload))).toEqual([1, 2, 3, 4, 5].map((i) => ({ id: `turn-${i}`, redacted: true })));
    expect(JSON.parse(rows[5]!.payload)).toEqual({ id: 'turn-1', text: 'not a voice turn' });
    expect(JSON.parse(rows[6]!.payload)).toEqual({ kind: 'voice.turn', ids: [], all: true, reason: 'user deleted' });
    expect(d.history.list()).toEqual([]);
    expect(d.fileText()).not.toMatch(/secret number/);
    // Deleting again redacts nothing more, and still says so on the VPS (a copy there may be newer than this one).
    expect(d.history.delete({ all: true })).toMatchObject({ outboxRows: 0, localRows: 0, tombstones: [8] });
  });

  it('redacts rows already sent, pending and dead alike, keeping their state', () => {
    const d = desk();
    d.turn('turn-1', 'sent already');
    d.turn('turn-2', 'refused by the server');
    d.turn('turn-3', 'still waiting');
    d.outbox.markPushed({ lastSeq: 2, rejected: [{ seq: 2, sqlstate: '22P02', error: 'bad' }] }, new Date());
    d.history.delete({ ids: ['turn-1', 'turn-2', 'turn-3'] });
    const states = d.local.db.prepare('SELECT seq, state, payload FROM outbox ORDER BY seq').all() as { seq: number; state: string; payload: string }[];
    expect(states.map((s) => [s.seq, s.state])).toEqual([[1, 'sent'], [2, 'dead'], [3, 'pending'], [4, 'pending']]);
    expect(states.slice(0, 3).map((s) => JSON.parse(s.payload).redacted)).toEqual([true, true, true]);
    expect(d.outbox.counts()).toMatchObject({ pending: 2, dead: 1 });
  });

  it('splits a long deletion into tombstones of at most REDACT_MAX_IDS ids, in one transaction', () => {
    const d = desk();
    const ids = Array.from({ length: REDACT_MAX_IDS + 5 }, (_, i) => `item-${i}`);
    const r = redactEvents(d.outbox, { kind: 'memory.item', ids: [...ids, 'item-0'], reason: 'forget' });
    expect(r.tombstones).toEqual([1, 2]);
    expect(r.ids).toEqual(ids);
    const t = d.rows().map((row) => RedactionSchema.parse(JSON.parse(row.payload)));
    expect(t.map((x) => x.ids.length)).toEqual([REDACT_MAX_IDS, 5]);
  });

  it('refuses a request that names nothing, both ids and all, or the tombstone kind, having changed nothing', () => {
    const d = desk();
    d.turn('turn-1', 'kept');
    for (const bad of [{ kind: 'voice.turn', reason: 'x' }, { kind: 'voice.turn', ids: ['turn-1'], all: true, reason: 'x' }, { kind: REDACT_KIND, all: true, reason: 'x' }, { kind: 'Voice Turn', all: true, reason: 'x' }]) {
      expect(() => redactEvents(d.outbox, bad)).toThrow(expect.objectContaining({ fix: expect.any(String) }));
    }
    expect(d.rows().map((r) => JSON.parse(r.payload).transcript)).toEqual(['kept']);
  });

  it('rolls back the redaction and the tombstone when the caller\'s own removal fails', () => {
    const d = desk();
    d.turn('turn-1', 'kept whole');
    expect(() =>
      redactEvents(d.outbox, { kind: 'voice.turn', ids: ['turn-1'], reason: 'x' }, {
        local: () => {
          throw new Error('disk full');
        },
      }),
    ).toThrow('disk full');
    expect(d.rows().map((r) => [r.seq, JSON.parse(r.payload).transcript])).toEqual([[1, 'kept whole']]);
  });

  it('runs inside a caller\'s own transaction (memory forgets an item and its vector together), all or nothing', () => {
    const d = desk();
    d.turn('turn-1', 'forget me');
    d.turn('turn-2', 'keep me');
    const r = d.outbox.transaction(() => redactEvents(d.outbox, { kind: 'voice.turn', ids: ['turn-1'], reason: 'forget' }, { local: (ids) => d.store.delete(ids) }));
    expect(r).toMatchObject({ outboxRows: 1, localRows: 1, tombstones: [3] });
    expect(() =>
      d.outbox.transaction(() => {
        redactEvents(d.outbox, { kind: 'voice.turn', ids: ['turn-2'], reason: 'forget' });
        throw new Error('the caller failed after');
      }),
    ).toThrow('the caller failed after');
    const rows = d.rows();
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3]);
    expect(JSON.parse(rows[0]!.payload)).toEqual({ id: 'turn-1', redacted: true });
    expect(JSON.parse(rows[1]!.payload).transcript).toBe('keep me');
    expect(rows[2]!.kind).toBe(REDACT_KIND);
  });

  it('the sample tombstone is what the contract accepts', () => {
    expect(RedactionSchema.parse(REDACTION_SAMPLE)).toEqual(REDACTION_SAMPLE);
  });
});

describe('voice history listing', () => {
  it('lists newest first, searches transcript and reply as plain text, pages with before', () => {
    const d = desk();
    d.turn('turn-1', 'what is the weather', 'Sunny.');
    d.turn('turn-2', 'set a timer for 50% of an hour', 'Done.');
    d.turn('turn-3', 'play some music', 'Playing the WEATHER report.');
    expect(d.history.list().map((t) => t.id)).toEqual(['turn-3', 'turn-2', 'turn-1']);
    expect(d.history.list({ search: 'weather' }).map((t) => t.id)).toEqual(['turn-3', 'turn-1']);
    expect(d.history.list({ search: '50%' }).map((t) => t.id)).toEqual(['turn-2']);
    expect(d.history.list({ search: '_' })).toEqual([]);
    const first = d.history.list({ limit: 1 });
    expect(d.history.list({ before: first[0]!.at }).map((t) => t.id)).toEqual(['turn-2', 'turn-1']);
  });

  it('migration 0003 makes voice_turns with its listing index, and the store opens it as it is', () => {
    const d = desk();
    expect(d.local.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'voice_turns_at'").get()).toBeTruthy();
    expect(new VoiceStore(d.local.db).history({ limit: 5 })).toEqual([]);
  });
});
