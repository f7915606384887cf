// Several config keys set at once, all or nothing: the merged config is validated with the one ConfigSchema before
// any key is written (the window's settings form and a .conf import, from the app or the CLI, both need this).
import { ConfigSchema, type Config } from '../contracts/config.js';
import type { FieldIssue } from '../contracts/errors.js';
import { issuesOf } from '../errors.js';
import type { ConfigStore } from './store.js';

/** Dotted keys (e.g. tunnel.endpoint) and their values. */
export type ConfigValues = Record<string, string | number | boolean>;

/** What the schema would say of the current config with `values` set; empty when it validates. */
export function configIssues(store: ConfigStore, values: ConfigValues): FieldIssue[] {
  const current = store.load() as unknown as Record<string, Record<string, unknown>>;
  const merged: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(current)) merged[section] = { ...fields };
  for (const [key, value] of Object.entries(values)) {
    const [section, leaf] = key.split('.') as [string, string];
    merged[section] = { ...(merged[section] ?? {}), [leaf]: value };
  }
  const result = ConfigSchema.safeParse(merged);
  return result.success ? [] : issuesOf(result.error);
}

/** Writes values that configIssues passed, key by key (each is then valid on its own). */
export function writeConfigValues(store: ConfigStore, values: ConfigValues): Config {
  for (const [key, value] of Object.entries(values)) store.set(key, String(value));
  return store.load();
}
