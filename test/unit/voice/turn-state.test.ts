// The voice turn's transition table: the legal moves written out here by hand, every other move refused, final
// phases without a way out, a cancel ends as `cancelled` (never `failed`, never the `error` state), and the
// tray's state read from the turn.
import { describe, expect, it } from 'vitest';
import { isFinal, nextPhase, TURN_TRANSITIONS, verdict, visibleState, type TurnAbort, type TurnPhase, type TurnSignal } from '../../../main/core/voice/turn-state.js';

const PHASES: TurnPhase[] = ['held', 'thinking', 'speaking', 'answered', 'no-speech', 'cancelled', 'failed', 'dropped'];
const SIGNALS: TurnSignal[] = ['release', 'audio', 'done', 'empty', 'cancel', 'resume', 'fail'];

const LEGAL: Array<[TurnPhase, TurnSignal, TurnPhase]> = [
  ['held', 'release', 'thinking'],
  ['held', 'empty', 'no-speech'],
  ['held', 'resume', 'dropped'],
  ['held', 'cancel', 'cancelled'],
  ['held', 'fail', 'failed'],
  ['thinking', 'audio', 'speaking'],
  ['thinking', 'done', 'answered'],
  ['thinking', 'empty', 'no-speech'],
  ['thinking', 'cancel', 'cancelled'],
  ['thinking', 'fail', 'failed'],
  ['speaking', 'done', 'answered'],
  ['speaking', 'cancel', 'cancelled'],
  ['speaking', 'fail', 'failed'],
];

function aborted(reason: TurnAbort): AbortSignal {
  const ctl = new AbortController();
  ctl.abort(reason);
  return ctl.signal;
}

describe('the voice turn table', () => {
  it('covers exactly the phases of a turn', () => {
    expect(Object.keys(TURN_TRANSITIONS).sort()).toEqual([...PHASES].sort());
  });

  it.each(LEGAL)('allows %s --%s--> %s', (from, signal, to) => {
    expect(nextPhase(from, signal)).toBe(to);
  });

  const illegal = PHASES.flatMap((from) => SIGNALS.map((signal) => [from, signal] as [TurnPhase, TurnSignal])).filter(
    ([from, signal]) => !LEGAL.some(([f, s]) => f === from && s === signal),
  );

  it('refuses every other move', () => {
    // 8 phases x 7 signals, 13 of them legal.
    expect(illegal).toHaveLength(PHASES.length * SIGNALS.length - LEGAL.length);
  });

  it.each(illegal)('refuses %s --%s-->', (from, signal) => {
    expect(nextPhase(from, signal)).toBeNull();
  });

  it('has no way out of a final phase, and every live phase can end', () => {
    for (const p of ['answered', 'no-speech', 'cancelled', 'failed', 'dropped'] as const) {
      expect(isFinal(p)).toBe(true);
      for (const s of SIGNALS) expect(nextPhase(p, s)).toBeNull();
    }
    for (const p of ['held', 'thinking', 'speaking'] as const) {
      expect(isFinal(p)).toBe(false);
      expect(nextPhase(p, 'cancel')).toBe('cancelled');
      expect(nextPhase(p, 'fail')).toBe('failed');
    }
  });

  it('a released reply that already ended stays ended (the state never goes back to thinking)', () => {
    expect(nextPhase('no-speech', 'release')).toBeNull();
    expect(nextPhase('cancelled', 'audio')).toBeNull();
  });
});

describe('the verdict at the end of a turn', () => {
  it('a cancel is the abort reason, and ends as cancelled, not as a failure', () => {
    const signal = aborted({ kind: 'cancel', reason: 'barge-in' });
    const end = verdict(signal, 'turn on the lights');
    expect(end).toBe('cancel');
    expect(nextPhase('speaking', end)).toBe('cancelled');
    // A cancelled turn leaves no fault: the tray shows idle or listening, never error.
    expect(visibleState({ started: true, listening: false, turn: null, fault: false })).toBe('idle');
  });

  it('the first abort reason wins: a failure after a cancel is still a cancel', () => {
    const ctl = new AbortController();
    ctl.abort({ kind: 'cancel', reason: 'stopped' } satisfies TurnAbort);
    ctl.abort({ kind: 'fail', stage: 'tts', error: new Error('espeak-ng died') } satisfies TurnAbort);
    expect(verdict(ctl.signal, 'hello')).toBe('cancel');
  });

  it('a failed stage, speech that resumed, an empty transcript and a said reply each have their own end', () => {
    expect(verdict(aborted({ kind: 'fail', stage: 'llm', error: new Error('down') }), 'hello')).toBe('fail');
    expect(verdict(aborted({ kind: 'resume' }), 'hello')).toBe('resume');
    expect(verdict(new AbortController().signal, '')).toBe('empty');
    expect(verdict(new AbortController().signal, 'hello')).toBe('done');
  });
});

describe("the tray's voice state", () => {
  const base = { started: true, listening: false, turn: null, fault: false } as const;
  it('is read from the turn, the microphone and the last failure', () => {
    expect(visibleState({ ...base, started: false, turn: 'speaking' })).toBe('off');
    expect(visibleState({ ...base, turn: 'thinking', fault: true })).toBe('thinking');
    expect(visibleState({ ...base, turn: 'speaking', listening: true })).toBe('speaking');
    // A held reply is prepared while the user may still speak: the microphone is what shows.
    expect(visibleState({ ...base, turn: 'held', listening: true })).toBe('listening');
    expect(visibleState({ ...base, fault: true, listening: true })).toBe('error');
    expect(visibleState({ ...base, listening: true })).toBe('listening');
    expect(visibleState(base)).toBe('idle');
  });
});
