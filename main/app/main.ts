// Electron main-process entry: starts the shell; a failed start says why in a dialog and quits.
import { app, dialog } from 'electron';
import { formatError } from '../core/errors.js';
import { startShell } from './shell.js';

startShell({ app }).catch((err: unknown) => {
  process.stderr.write(`${formatError(err)}\n`);
  dialog.showErrorBox('Jett could not start', formatError(err));
  app.quit();
});
