// The one config service: reads and validates config.json (store.ts), writes it (atomically, all or nothing), watches
// it for edits on disk, and announces each change with the sections it touched; secrets that changed count too.
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_SECTIONS, type Config, type ConfigSection } from '../contracts/config.js';
import type { SecretName } from '../contracts/secrets.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { ConfigStore } from './store.js';
import { configIssues, writeConfigValues, type ConfigValues } from './values.js';

/** The section whose service reads each secret: a new value there rebuilds that service. */
export const SECRET_SECTIONS: Partial<Record<SecretName, ConfigSection>> = {
  'tunnel.privateKey': 'tunnel',
  'tunnel.presharedKey': 'tunnel',
  'postgres.password': 'postgres',
  'heartbeat.token': 'heartbeat',
};

export interface ConfigChange {
  /** Every section whose values (or secrets) differ, in the schema's order. */
  sections: ConfigSection[];
  /** The secrets named as changed. */
  secrets: SecretName[];
  previous: Config;
  config: Config;
}

export interface ConfigServiceOptions {
  /** What the running services were built from (default: the file as it is now). */
  initial?: Config;
  logger?: Logger;
  /** Editors save in several steps (truncate, write, rename): wait this long after the last event. */
  debounceMs?: number;
}

/** The sections that differ between two configs (and the sections of changed secrets). */
export function changedSections(previous: Config, next: Config, secrets: readonly SecretName[] = []): ConfigSection[] {
  const touched = new Set(secrets.map((s) => SECRET_SECTIONS[s]).filter((s): s is ConfigSection => s !== undefined));
  return CONFIG_SECTIONS.filter((s) => touched.has(s) || JSON.stringify(previous[s]) !== JSON.stringify(next[s]));
}

export class ConfigService {
  private config: Config;
  private readonly changeListeners = new Set<(change: ConfigChange) => void>();
  private readonly invalidListeners = new Set<(err: ConfigError) => void>();
  private watcher: fs.FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;

  constructor(
    readonly store: ConfigStore,
    private readonly opts: ConfigServiceOptions = {},
  ) {
    this.config = opts.initial ?? store.load();
  }

  /** The config the services run with: the last one that validated. */
  current(): Config {
    return this.config;
  }

  onChange(listener: (change: ConfigChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** An edit on disk that does not validate: it was ignored, and the running config stays whole. */
  onInvalid(listener: (err: ConfigError) => void): () => void {
    this.invalidListeners.add(listener);
    return () => this.invalidListeners.delete(listener);
  }

  /**
   * Sets several dotted keys (the window's settings form), all or nothing: the merged config is validated before any
   * key is written. Throws ConfigError with one issue per bad field, so the window can highlight each.
   */
  setValues(values: ConfigValues): ConfigChange {
    const issues = configIssues(this.store, values);
    if (issues.length > 0) {
      throw new ConfigError(`settings not saved: ${issues[0]!.path}: ${issues[0]!.message}`, 'correct the highlighted fields and save again', { code: 'invalid-params', issues });
    }
    writeConfigValues(this.store, values);
    return this.reload();
  }

  /**
   * Reads the file again and announces what changed, with the named secrets (which the caller changed in the
   * store). Throws ConfigError for a file that does not validate; the running config is then left as it was.
   */
  reload(secrets: readonly SecretName[] = []): ConfigChange {
    const next = this.store.load();
    const previous = this.config;
    const change: ConfigChange = { sections: changedSections(previous, next, secrets), secrets: [...secrets], previous, config: next };
    this.config = next;
    if (change.sections.length > 0) {
      this.opts.logger?.info('settings changed', { sections: change.sections });
      for (const l of this.changeListeners) l(change);
    }
    return change;
  }

  /**
   * Follows edits of the file on disk. The folder is watched, not the file: editors and writeFileAtomic replace it by
   * a rename, after which a watch on the old file sees nothing more.
   */
  watch(): void {
    if (this.watcher) return;
    const dir = path.dirname(this.store.file);
    const name = path.basename(this.store.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.watcher = fs.watch(dir, { persistent: false }, (_event, file) => {
      // Some platforms give no name: then any event in the folder may be ours.
      if (file !== null && file !== name) return;
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = null;
        this.reloadFromDisk();
      }, this.opts.debounceMs ?? 150);
    });
    this.watcher.on('error', (err) => this.opts.logger?.warn('config watch failed; edits of the file need a restart', { error: err }));
  }

  close(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    this.watcher?.close();
    this.watcher = null;
  }

  private reloadFromDisk(): void {
    try {
      this.reload();
    } catch (err) {
      if (!(err instanceof ConfigError)) {
        this.opts.logger?.error('settings change not applied', { error: err });
        return;
      }
      const reported = new ConfigError(err.message, `${err.fix}; until then Jett keeps the settings it runs with`);
      this.opts.logger?.warn('config edit ignored', { error: reported.message, fix: reported.fix });
      for (const l of this.invalidListeners) l(reported);
    }
  }
}
