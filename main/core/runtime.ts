// Opens what every command and the agent share: JETT_HOME's paths, the config store, the secret store, the logger.
import { ConfigStore } from './config/store.js';
import { settleLargeFiles } from './config/large-files.js';
import { jettDataHome, jettHome, jettPaths, type JettPaths } from './config/paths.js';
import { Redactor } from './log/redact.js';
import { teeLogger, type Logger } from './log/logger.js';
import type { KeyringCall } from './secrets/keyring-call.js';
import { SelectedSecretStore } from './secrets/select.js';
import type { SecretStore } from './secrets/store.js';

export interface Runtime {
  paths: JettPaths;
  config: ConfigStore;
  secrets: SecretStore;
  logger: Logger;
  /** Scrubs known secret values from log lines; a secret store other than the file one feeds it too. */
  redactor: Redactor;
}

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  /** Echo log lines on stderr too (the foreground agent); otherwise they go to the log file only. */
  logToStderr?: boolean;
  platform?: NodeJS.Platform;
  /** How the keyring is reached: a Node child process by default; the tray app passes its utility process. */
  keyringCall?: KeyringCall;
}

export function openRuntime(opts: RuntimeOptions = {}): Runtime {
  const env = opts.env ?? process.env;
  // Before anything opens the database: an earlier version's database and models move to the data home once.
  const settled = settleLargeFiles(jettPaths(jettHome(env), process.platform, undefined, jettDataHome(env)));
  const paths = settled.paths;
  const redactor = new Redactor();
  const logger = teeLogger({ logsDir: paths.logs, redactor, stderr: opts.logToStderr ?? false });
  if (settled.moved.length > 0) logger.info('moved to the local data folder', { moved: settled.moved, to: jettDataHome(env) });
  for (const s of settled.stayed) logger.warn('could not move to the local data folder; using it where it is', { what: s.what, code: s.code });
  const secrets = new SelectedSecretStore({
    home: paths.home,
    env,
    platform: opts.platform,
    call: opts.keyringCall,
    onValue: (v) => redactor.addSecret(v),
    onMigrated: (r, from) =>
      r.conflicts.length > 0
        ? logger.warn('secrets kept in the old store: the keyring holds other values for them', { from, names: r.conflicts, fix: `check them, then remove ${from}` })
        : logger.info('secrets moved into the keyring', { from, names: r.moved }),
  });
  return { paths, config: new ConfigStore(paths.config), secrets, logger, redactor };
}
