// The key hook's process in the tray app: an Electron utility process (the packaged app's fuses forbid running
// Electron as plain Node), so the native hook's abort without a display ends that process, never the app.
import { utilityProcess } from 'electron';
import type { ForkKeyHook } from './key-hook.js';

export const forkKeyHookUtility: ForkKeyHook = (modulePath) => utilityProcess.fork(modulePath, [], { serviceName: 'Jett key hook', stdio: 'ignore' });
