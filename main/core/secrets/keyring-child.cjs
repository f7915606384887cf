// The keyring helper process: runs one batch of @napi-rs/keyring operations and answers, so that a keyring call that
// never returns (a locked keyring's unlock prompt) blocks this process, which the parent kills, never the agent.
// Plain CommonJS with no imports of ours: Node runs it as a child, Electron as a utility process.
'use strict';

// keyring-rs reports a missing platform as "Platform failure: ..." and a store that exists but will not serve as
// "Couldn't access platform storage: ...": sorted here, before the message leaves this process.
function answer(req) {
  let k;
  try {
    // The binding's path comes from the parent, which knows where node_modules is; a helper cannot import it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    k = require(req.module);
  } catch (e) {
    return { ok: false, kind: 'absent', message: `the keyring binding does not load: ${e.message}` };
  }
  const opts = req.linuxStore ? { linux: { store: req.linuxStore } } : undefined;
  const results = [];
  try {
    for (const op of req.ops) {
      const entry = new k.Entry(req.service, op.name, opts);
      if (op.op === 'get') results.push(entry.getPassword());
      else if (op.op === 'set') {
        entry.setPassword(op.value);
        results.push(null);
      } else results.push(entry.deletePassword());
    }
    return { ok: true, results };
  } catch (e) {
    const message = String((e && e.message) || e);
    return { ok: false, kind: /^Platform failure/.test(message) ? 'absent' : 'refused', message };
  }
}

if (process.parentPort) {
  // Electron's utilityProcess: one message in, one out.
  process.parentPort.once('message', (e) => process.parentPort.postMessage(answer(e.data)));
} else if (process.send) {
  process.once('message', (req) => process.send(answer(req), () => process.exit(0)));
} else {
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c)).on('end', () => process.stdout.write(JSON.stringify(answer(JSON.parse(Buffer.concat(chunks).toString('utf8'))))));
}
