// Passes the OS's suspend / resume and network changes to the agent, so a tunnel that went stale during sleep or
// a Wi-Fi switch is probed at once instead of at its next poll. Electron has no network-change event in main:
// the online flag and the set of interface addresses are compared every few seconds.
import os from 'node:os';
import type { SystemEventKind } from './agent-handle.js';

export interface PowerMonitorLike {
  on(event: 'suspend' | 'resume' | 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'suspend' | 'resume' | 'unlock-screen', listener: () => void): unknown;
}

export interface SystemEventDeps {
  powerMonitor: PowerMonitorLike;
  isOnline(): boolean;
  onEvent(kind: SystemEventKind): void;
  /** The machine's addresses in a stable order; a change means a new network. */
  networkSignature?(): string;
  pollMs?: number;
  setInterval?(fn: () => void, ms: number): unknown;
  clearInterval?(handle: unknown): void;
}

export function addressSignature(): string {
  const out: string[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.internal) out.push(`${name}=${a.address}`);
  }
  return out.sort().join(',');
}

/** Starts watching; returns the function that stops. */
export function watchSystemEvents(deps: SystemEventDeps): () => void {
  const signature = deps.networkSignature ?? addressSignature;
  const every = deps.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
  const stopTimer = deps.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  const onSuspend = () => deps.onEvent('suspend');
  const onResume = () => deps.onEvent('resume');
  deps.powerMonitor.on('suspend', onSuspend);
  deps.powerMonitor.on('resume', onResume);
  // Unlocking often follows a resume that the OS reported late or not at all (Windows modern standby).
  deps.powerMonitor.on('unlock-screen', onResume);
  let last = `${deps.isOnline()}|${signature()}`;
  const timer = every(() => {
    const now = `${deps.isOnline()}|${signature()}`;
    if (now !== last) {
      last = now;
      deps.onEvent('network-change');
    }
  }, deps.pollMs ?? 5000);
  return () => {
    stopTimer(timer);
    deps.powerMonitor.removeListener('suspend', onSuspend);
    deps.powerMonitor.removeListener('resume', onResume);
    deps.powerMonitor.removeListener('unlock-screen', onResume);
  };
}
