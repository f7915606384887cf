// Opens what every command and the agent share: JETT_HOME's paths, the config store, the secret store, the logger.
import { ConfigStore } from './config/store.js';
import { settleLargeFiles } from './config/large-files.js';
import { jettDataHome, jettHome, jettPaths, type JettPaths } from './config/paths.js';
import { Redactor } from './log/redact.js';
import { teeLogger, type Logger } from './log/logger.js';
import { FileSecretStore } from './secrets/file-store.js';
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
}

export function openRuntime(opts: RuntimeOptions = {}): Runtime {
  const env = opts.env ?? process.env;
  // Before anything opens the database: an earlier version's database and models move to the data home once.
  const settled = settleLargeFiles(jettPaths(jettHome(env), process.platform, undefined, jettDataHome(env)));
  const paths = settled.paths;
  const redactor = new Redactor();
  const secrets = new FileSecretStore(paths.secrets, (v) => redactor.addSecret(v));
  const logger = teeLogger({ logsDir: paths.logs, redactor, stderr: opts.logToStderr ?? false });
  if (settled.moved.length > 0) logger.info('moved to the local data folder', { moved: settled.moved, to: jettDataHome(env) });
  for (const s of settled.stayed) logger.warn('could not move to the local data folder; using it where it is', { what: s.what, code: s.code });
  return { paths, config: new ConfigStore(paths.config), secrets, logger, redactor };
}
