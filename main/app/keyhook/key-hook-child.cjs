// The hold-to-talk key hook's own process: uiohook-napi sees every key of the desktop, so this process filters
// before anything leaves it: only the configured key's press (with its modifiers) and its release are sent, never
// any other key. It runs apart because the native library aborts its whole process when no display is usable.
// Plain CommonJS with no imports of ours: Node runs it as a child, Electron as a utility process.
'use strict';

function run(req, send) {
  let hook;
  try {
    // The binding's path comes from the parent, which knows where node_modules is.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    hook = require(req.module);
  } catch (e) {
    return send({ type: 'failed', kind: 'absent', message: `the key hook library does not load: ${e.message}` });
  }
  const keycode = hook.UiohookKey[req.key];
  if (typeof keycode !== 'number') return send({ type: 'failed', kind: 'key', message: `"${req.key}" is not a key the hook knows` });
  const want = req.modifiers;
  let held = false;
  hook.uIOhook.on('keydown', (e) => {
    // Auto-repeat sends more key-downs while the key is held: one press is one turn.
    if (e.keycode !== keycode || held) return;
    if (e.ctrlKey !== want.ctrl || e.altKey !== want.alt || e.shiftKey !== want.shift || e.metaKey !== want.meta) return;
    held = true;
    send({ type: 'down' });
  });
  hook.uIOhook.on('keyup', (e) => {
    // The modifiers may already be up when the key is released: the key code alone ends what its press started.
    if (e.keycode !== keycode || !held) return;
    held = false;
    send({ type: 'up' });
  });
  try {
    hook.uIOhook.start();
  } catch (e) {
    return send({ type: 'failed', kind: 'refused', message: String((e && e.message) || e) });
  }
  send({ type: 'ready' });
}

if (process.parentPort) {
  // Electron's utilityProcess.
  process.parentPort.once('message', (e) => run(e.data, (m) => process.parentPort.postMessage(m)));
} else if (process.send) {
  process.once('message', (req) => run(req, (m) => process.send(m)));
  // The parent went away: nothing is left to tell.
  process.on('disconnect', () => process.exit(0));
}
