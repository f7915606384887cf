// What a stage of a turn gets from the turn: the abort signal, and the one function that publishes a stage event
// on the bus and records its time (the stage events are the turn's latency marks).
import type { VoiceStageEvent } from '../../contracts/voice.js';

type WithoutClock<E> = E extends unknown ? Omit<E, 'ms' | 'turn'> : never;

/** A stage event of one turn, before the turn stamps it with its id and the clock. */
export type TurnStageEvent = WithoutClock<Exclude<VoiceStageEvent, { type: 'vad-start' | 'vad-end' | 'stt-partial' }>>;

export interface StageContext {
  readonly signal: AbortSignal;
  emit(event: TurnStageEvent): void;
}
