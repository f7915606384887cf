// Applies several config keys at once, all or nothing: the merged config is validated with the same ConfigSchema
// the window validates with, and only then written key by key (each of which is then valid on its own).
import { ConfigSchema, type Config } from '../core/contracts/config.js';
import type { ConfigStore } from '../core/config/store.js';
import { issuesOf } from '../core/errors.js';
import { IpcError } from './ipc/errors.js';

export type ConfigValues = Record<string, string | number | boolean>;

/** Throws IpcError with one issue per bad field when `values` (dotted keys, e.g. tunnel.endpoint) would not validate. */
export function checkConfigValues(store: ConfigStore, values: ConfigValues): void {
  const current = store.load() as unknown as Record<string, Record<string, unknown>>;
  const merged: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(current)) merged[section] = { ...fields };
  for (const [key, value] of Object.entries(values)) {
    const [section, leaf] = key.split('.') as [string, string];
    merged[section] = { ...(merged[section] ?? {}), [leaf]: value };
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const issues = issuesOf(result.error);
    throw new IpcError(`settings not saved: ${issues[0]!.path}: ${issues[0]!.message}`, 'correct the highlighted fields and save again', { code: 'invalid-params', issues });
  }
}

export function applyConfigValues(store: ConfigStore, values: ConfigValues): Config {
  checkConfigValues(store, values);
  for (const [key, value] of Object.entries(values)) store.set(key, String(value));
  return store.load();
}
