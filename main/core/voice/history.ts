// The conversation history as the user manages it: list and search past turns (voice_turns), and delete one turn or
// all of them, here and on the VPS: the turns' outbox rows (`voice.turn`) are redacted in place and a tombstone follows.
import type { RedactionResult } from '../contracts/redaction.js';
import { VoiceHistoryQuerySchema, type VoiceHistoryDelete, type VoiceHistoryQuery } from '../contracts/voice-history.js';
import type { VoiceTurnRecord } from '../contracts/voice.js';
import type { SqliteDb } from '../db/local-db.js';
import type { EventBus } from '../events/bus.js';
import { redactEvents } from '../outbox/redact.js';
import type { Outbox } from '../outbox/store.js';
import { VoiceStore } from './store.js';

/** The outbox kind of a turn's record (running.ts appends each finished turn under it). */
export const VOICE_TURN_KIND = 'voice.turn';

export class VoiceHistory {
  private readonly store: VoiceStore;

  constructor(
    db: SqliteDb,
    private readonly outbox: Outbox,
    private readonly opts: { bus?: EventBus; clock?: () => Date } = {},
  ) {
    this.store = new VoiceStore(db);
  }

  list(query: VoiceHistoryQuery = {}): VoiceTurnRecord[] {
    return this.store.history(VoiceHistoryQuerySchema.parse(query));
  }

  delete(what: VoiceHistoryDelete): RedactionResult {
    return redactEvents(
      this.outbox,
      { kind: VOICE_TURN_KIND, ...('all' in what ? { all: true } : { ids: what.ids }), reason: 'user deleted' },
      { local: (ids) => this.store.delete(ids), ...this.opts },
    );
  }
}
