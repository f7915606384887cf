// Electron main-process entry: hands the real `electron` module to the shell (tests hand it a mock instead).
import { app } from 'electron';
import { formatError } from '../core/errors.js';
import { startShell } from './shell.js';

startShell({ app }).catch((err: unknown) => {
  process.stderr.write(`${formatError(err)}\n`);
  app.quit();
});
