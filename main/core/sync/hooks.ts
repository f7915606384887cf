// The named points in a push and a pull where a crash matters; a test-only hook may act there (production passes none).

export const FAILPOINTS = ['push.before-commit', 'push.after-commit', 'push.mark-sent', 'pull.after-claim', 'pull.after-store'] as const;
export type FailpointName = (typeof FAILPOINTS)[number];

export interface SyncHooks {
  at(point: FailpointName): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
