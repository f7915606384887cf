// The window's settings form: several config keys at once, all or nothing (core/config/values.ts), refused with one
// issue per bad field so the window can highlight each.
import type { Config } from '../core/contracts/config.js';
import type { ConfigStore } from '../core/config/store.js';
import { configIssues, writeConfigValues, type ConfigValues } from '../core/config/values.js';
import { IpcError } from './ipc/errors.js';

export type { ConfigValues };

/** Throws IpcError with one issue per bad field when `values` (dotted keys, e.g. tunnel.endpoint) would not validate. */
export function checkConfigValues(store: ConfigStore, values: ConfigValues): void {
  const issues = configIssues(store, values);
  if (issues.length > 0) throw new IpcError(`settings not saved: ${issues[0]!.path}: ${issues[0]!.message}`, 'correct the highlighted fields and save again', { code: 'invalid-params', issues });
}

export function applyConfigValues(store: ConfigStore, values: ConfigValues): Config {
  checkConfigValues(store, values);
  return writeConfigValues(store, values);
}
