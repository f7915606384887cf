// Where a finished turn goes: jett.db (its record and the LLM's memory), the log, and the bus (`voice.turn`, which
// the agent appends to the outbox and the tray shows as latency history).
import type { VoiceTurnRecord } from '../contracts/voice.js';
import { formatError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { VoiceStore } from './store.js';

export class TurnLog {
  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly store: VoiceStore | undefined,
  ) {}

  publish(record: VoiceTurnRecord): VoiceTurnRecord {
    try {
      this.store?.save(record);
    } catch (err) {
      this.log.error('could not save the voice turn in jett.db', { error: formatError(err) });
    }
    this.log.info('voice turn', { id: record.id, source: record.source, outcome: record.outcome, fragments: record.fragments, latencies: record.latencies });
    this.bus.emit('voice.turn', record);
    return record;
  }
}
