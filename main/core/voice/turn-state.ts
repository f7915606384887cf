// The voice turn's life as one transition table (held, thinking, speaking, then one end), the abort reasons that
// stop a turn early, and the pipeline's visible state read from the turn in one place. Pure: turn.ts moves a turn
// through the table and runs the side effects of each move; these tests hold every refused move.
import type { VoiceState } from '../contracts/status.js';
import type { VoiceStageName, VoiceTurnRecord } from '../contracts/voice.js';

/** `held`: prepared during the end-of-turn silence, its audio waits for the turn to really end. */
export type LivePhase = 'held' | 'thinking' | 'speaking';
/** `dropped`: the user spoke through the pause, so the held reply was never a turn. */
export type FinalPhase = VoiceTurnRecord['outcome'] | 'dropped';
export type TurnPhase = LivePhase | FinalPhase;

/**
 * `release`: the turn really ended (held only); `audio`: the first audio reached the speakers; `done`: the reply
 * was said; `empty`: the transcript was empty; `cancel`, `resume`, `fail`: the turn's abort reason.
 */
export type TurnSignal = 'release' | 'audio' | 'done' | 'empty' | 'cancel' | 'resume' | 'fail';

const ENDS = { cancel: 'cancelled', fail: 'failed' } as const;

/** Every legal move; anything not listed is refused. A final phase has no way out. */
export const TURN_TRANSITIONS: Readonly<Record<TurnPhase, Readonly<Partial<Record<TurnSignal, TurnPhase>>>>> = {
  // A held reply whose transcript is empty ends at once: the rest of the turn holds no more words.
  held: { release: 'thinking', empty: 'no-speech', resume: 'dropped', ...ENDS },
  thinking: { audio: 'speaking', done: 'answered', empty: 'no-speech', ...ENDS },
  speaking: { done: 'answered', ...ENDS },
  answered: {},
  'no-speech': {},
  cancelled: {},
  failed: {},
  dropped: {},
};

/** The phase `signal` leads to from `from`, or null when the table refuses the move. */
export function nextPhase(from: TurnPhase, signal: TurnSignal): TurnPhase | null {
  return TURN_TRANSITIONS[from][signal] ?? null;
}

export function isFinal(phase: TurnPhase): phase is FinalPhase {
  return Object.keys(TURN_TRANSITIONS[phase]).length === 0;
}

/**
 * Why a turn's abort signal fired: the first reason wins (an AbortSignal keeps its first), so a stage that fails
 * because of a cancel stays a cancel, and a cancel during a failure stays a failure. A cancel is not an error.
 */
export type TurnAbort = { kind: 'cancel'; reason: string } | { kind: 'resume' } | { kind: 'fail'; stage: VoiceStageName; error: unknown };

/** The signal that ends a turn whose stages have all stopped. */
export function verdict(signal: AbortSignal, transcript: string): TurnSignal {
  if (signal.aborted) return (signal.reason as TurnAbort).kind;
  return transcript ? 'done' : 'empty';
}

/** What the pipeline's visible state is read from. */
export interface VoicePresence {
  started: boolean;
  /** The microphone is open. */
  listening: boolean;
  /** The phase of the reply in progress, if any. */
  turn: LivePhase | null;
  /** The last turn failed or the microphone failed; cleared when the user starts again. */
  fault: boolean;
}

/** The one place the tray's voice state comes from. A held reply shows as listening: the user may still speak. */
export function visibleState(p: VoicePresence): VoiceState {
  if (!p.started) return 'off';
  if (p.turn === 'speaking' || p.turn === 'thinking') return p.turn;
  if (p.fault) return 'error';
  return p.listening ? 'listening' : 'idle';
}
