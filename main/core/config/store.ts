// Loads, validates and saves config.json under JETT_HOME; a bad file is reported with its key and fix, never replaced.
import fs from 'node:fs';
import type { z } from 'zod';
import { CONFIG_KEYS, ConfigSchema, type Config, type ConfigKey } from '../contracts/config.js';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

export const DEFAULT_CONFIG: Config = ConfigSchema.parse({});

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Reads the raw JSON of the config file; a missing file is an empty config. */
function readRaw(file: string): Record<string, Json> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`${file}: cannot read it (${(err as Error).message})`, 'check the file permissions');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `${file}: not valid JSON (${(err as Error).message})`,
      `correct the JSON by hand, or move the file away to start from defaults (it was left as it was)`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file}: expected a JSON object at the top level`, 'make the file a JSON object such as {}');
  }
  return parsed as Record<string, Json>;
}

function describeIssue(file: string, issue: z.core.$ZodIssue): ConfigError {
  if (issue.code === 'unrecognized_keys') {
    const base = issue.path.map(String);
    const keys = issue.keys.map((k) => [...base, k].join('.'));
    return new ConfigError(
      `${file}: unknown key ${keys.join(', ')}`,
      `remove it from the file, or use one of the known keys (\`jett config list\`)`,
    );
  }
  const key = issue.path.map(String).join('.') || '(top level)';
  const known = (CONFIG_KEYS as string[]).includes(key);
  const fallback = known ? defaultValue(key as ConfigKey) : undefined;
  return new ConfigError(
    `${file}: ${key}: ${issue.message}`,
    known
      ? `run \`jett config set ${key} ${JSON.stringify(fallback)}\` (the default) or edit the file`
      : `edit the file so that ${key} holds an object of config keys`,
  );
}

function validate(file: string, raw: unknown): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw describeIssue(file, result.error.issues[0]!);
  return result.data;
}

function defaultValue(key: ConfigKey): string | number | boolean {
  return getKey(DEFAULT_CONFIG, key);
}

export function getKey(config: Config, key: ConfigKey): string | number | boolean {
  const [section, leaf] = key.split('.') as [keyof Config, string];
  return (config[section] as Record<string, string | number | boolean>)[leaf]!;
}

export function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as string[]).includes(key);
}

/** Turns the text a user typed into the type the key holds (its default tells the type). */
export function coerceValue(key: ConfigKey, text: string): string | number | boolean {
  const kind = typeof defaultValue(key);
  if (kind === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) {
      throw new ConfigError(`${key}: expected a number, got ${JSON.stringify(text)}`, `e.g. jett config set ${key} ${String(defaultValue(key))}`);
    }
    return n;
  }
  if (kind === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new ConfigError(`${key}: expected true or false, got ${JSON.stringify(text)}`, `e.g. jett config set ${key} true`);
  }
  return text;
}

export class ConfigStore {
  constructor(readonly file: string) {}

  /** The validated config: defaults where the file is silent. Throws ConfigError naming file, key and fix. */
  load(): Config {
    return validate(this.file, readRaw(this.file));
  }

  /** Sets one key and saves atomically. Only keys the user set are written, so new defaults still reach them. */
  set(key: string, text: string): Config {
    if (!isConfigKey(key)) {
      throw new ConfigError(`unknown config key ${JSON.stringify(key)}`, `run \`jett config list\` to see the known keys`);
    }
    const value = coerceValue(key, text);
    // A broken file may be repaired key by key, but only when its JSON itself is readable.
    const raw = readRaw(this.file);
    const [section, leaf] = key.split('.') as [string, string];
    const current = raw[section];
    const sectionObj = current && typeof current === 'object' && !Array.isArray(current) ? { ...current } : {};
    const next = { ...raw, [section]: { ...sectionObj, [leaf]: value } };
    const config = validate(this.file, next);
    writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`, 0o600);
    return config;
  }
}
