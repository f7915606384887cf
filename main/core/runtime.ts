// Opens what every command and the agent share: JETT_HOME's paths, the config store, the secret store, the logger.
import { ConfigStore } from './config/store.js';
import { jettHome, jettPaths, type JettPaths } from './config/paths.js';
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
  const paths = jettPaths(jettHome(opts.env ?? process.env));
  const redactor = new Redactor();
  const secrets = new FileSecretStore(paths.secrets, (v) => redactor.addSecret(v));
  const logger = teeLogger({ logsDir: paths.logs, redactor, stderr: opts.logToStderr ?? false });
  return { paths, config: new ConfigStore(paths.config), secrets, logger, redactor };
}
