// A reply prepared at a tentative end of turn: it plays once the turn really ends, or is dropped if speech resumes.
import type { VoiceTurnRecord } from '../contracts/voice.js';
import type { DetectedTurn } from './turn-detector.js';

export class HeldReply {
  /** Resolves with the final turn, or null when speech resumed. */
  readonly gate: Promise<DetectedTurn | null>;
  readonly record: Promise<VoiceTurnRecord>;
  private open!: (turn: DetectedTurn | null) => void;

  constructor(start: (gate: Promise<DetectedTurn | null>) => Promise<VoiceTurnRecord>) {
    this.gate = new Promise((resolve) => (this.open = resolve));
    this.record = start(this.gate);
  }

  /** The turn ended: the reply may play. */
  release(turn: DetectedTurn): Promise<VoiceTurnRecord> {
    this.open(turn);
    return this.record;
  }

  /** Speech resumed: the reply is dropped without a trace in the turn log. */
  drop(): void {
    this.open(null);
  }
}
