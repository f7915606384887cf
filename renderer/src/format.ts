// Numbers and states as people read them: ages, byte counts, times, milliseconds, a service not set up yet.
import type { ServiceSetup } from '../../main/core/contracts/status.js';
export function ago(seconds: number | null): string {
  if (seconds === null) return 'never';
  if (seconds < 120) return `${Math.round(seconds)} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

export function bytes(n: number | null): string {
  if (n === null) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** An ISO time as the user's locale writes a date and time; the text itself where it is not a time. */
export function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function ms(n: number | null): string {
  return n === null ? '–' : `${Math.round(n)} ms`;
}

/** A service never set up: what is missing and the next step, stated plainly rather than as a failure. */
export function notConfigured(setup: ServiceSetup): string {
  return `Not configured — ${setup.reason}${setup.next ? `. Next: ${setup.next}` : ''}`;
}
