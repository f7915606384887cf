// Electron main-process entry: starts the shell; a failed start says why in a dialog and quits. Started by the
// tunnel setup through UAC (`... tunnel install --from FILE`) or by "Remove Jett" (`... tunnel uninstall
// --interface NAME`), it is that elevated step instead, and exits.
import fs from 'node:fs';
import { app, dialog } from 'electron';
import { formatError } from '../core/errors.js';
import { elevatedInstallFrom } from '../core/tunnel/elevation.js';
import { runElevatedStep } from '../core/tunnel/install-plan.js';
import { applyWindowsUninstall, windowsUninstallPlan } from '../core/tunnel/install-windows.js';
import { execaRunner } from '../core/tunnel/runner.js';
import { elevatedUninstallOf } from '../core/uninstall/tunnel.js';
import { startShell } from './shell.js';

const handOver = elevatedInstallFrom(process.argv);
const uninstallIface = elevatedUninstallOf(process.argv);
if (uninstallIface !== null) {
  void applyWindowsUninstall(windowsUninstallPlan(uninstallIface, process.env, fs), { runner: execaRunner, fs })
    .then(() => 0)
    .catch((err: unknown) => {
      process.stderr.write(`removing the tunnel failed: ${formatError(err)}\n`);
      return 1;
    })
    .then((code) => app.exit(code));
} else if (handOver !== null) {
  // No runtime here: this process may be another account's (an administrator who typed their password).
  void runElevatedStep(handOver, process.env, { runner: execaRunner, isRoot: false, log: (message) => void process.stderr.write(`tunnel setup failed: ${message}\n`) }).then((code) => app.exit(code));
} else {
  startShell({ app }).catch((err: unknown) => {
    process.stderr.write(`${formatError(err)}\n`);
    dialog.showErrorBox('Jett could not start', formatError(err));
    app.quit();
  });
}
