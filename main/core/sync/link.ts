// The sync link's state machine as one transition table: whether the service runs, whether the tunnel is down, and
// whether a failed push waits out its backoff. The coordinator (service.ts) applies a transition's side effects.

/**
 * off: not started (the tunnel presumed up); off-down: not started, the tunnel reported down. up: pushing and
 * pulling; backoff: a push failed and waits for its timer (pulls go on); down: the tunnel is down, nothing is tried.
 */
export type LinkState = 'off' | 'off-down' | 'up' | 'backoff' | 'down';

export type LinkEvent = 'start' | 'stop' | 'tunnel-up' | 'tunnel-down' | 'push-failed' | 'backoff-over';

/** An event missing from a state's row is ignored there (starting twice, a late timer). */
export const LINK_TRANSITIONS: Readonly<Record<LinkState, Partial<Record<LinkEvent, LinkState>>>> = {
  off: { start: 'up', 'tunnel-up': 'off', 'tunnel-down': 'off-down' },
  'off-down': { start: 'down', 'tunnel-up': 'off', 'tunnel-down': 'off-down' },
  up: { stop: 'off', 'tunnel-up': 'up', 'tunnel-down': 'down', 'push-failed': 'backoff' },
  backoff: { stop: 'off', 'tunnel-up': 'up', 'tunnel-down': 'down', 'backoff-over': 'up' },
  down: { stop: 'off-down', 'tunnel-up': 'up', 'tunnel-down': 'down' },
};

/** The state after `event`, or null when the event means nothing in `state`. */
export function nextLinkState(state: LinkState, event: LinkEvent): LinkState | null {
  return LINK_TRANSITIONS[state][event] ?? null;
}

export const isStarted = (s: LinkState): boolean => s !== 'off' && s !== 'off-down';
/** Started and the tunnel not down: pulls and LISTEN go on (during a push backoff too). */
export const isLive = (s: LinkState): boolean => s === 'up' || s === 'backoff';
/** Pushes run only here: a backoff's timer or tunnel-up ends the wait. */
export const canPush = (s: LinkState): boolean => s === 'up';
