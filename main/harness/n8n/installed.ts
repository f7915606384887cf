// Where the real n8n of the tests and `jett demo` lives: tools/n8n, installed by `npm run setup:n8n` beside the app's
// own dependencies and never shipped with it. Found by walking up from this file (a checkout, or the built CLI).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JettError } from '../../core/errors.js';

/** The n8n version the bundle's image pins (main/core/vps/compose-model.ts) and tools/n8n installs. */
export const N8N_VERSION = '1.121.3';

export class N8nHarnessError extends JettError {}

/** tools/n8n above this file, or null when this is not a checkout. */
export function n8nToolsDir(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'tools', 'n8n', 'package.json');
    if (fs.existsSync(candidate)) return path.dirname(candidate);
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** n8n's own entry script (run with this Node), when the installed version is the pinned one. */
export function n8nEntry(): string | null {
  const tools = n8nToolsDir();
  if (!tools) return null;
  const pkg = path.join(tools, 'node_modules', 'n8n', 'package.json');
  try {
    const { version, bin } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string; bin?: Record<string, string> };
    const entry = path.join(path.dirname(pkg), bin?.n8n ?? 'bin/n8n');
    return version === N8N_VERSION && fs.existsSync(entry) ? entry : null;
  } catch {
    return null;
  }
}

/** Whether the real n8n can run here: the tests and the demo use it when it is, the stand-in when it is not. */
export function n8nInstalled(): boolean {
  return n8nEntry() !== null;
}

/** The entry script, or an error that says how to install it. */
export function requireN8nEntry(): string {
  const entry = n8nEntry();
  if (!entry) throw new N8nHarnessError(`n8n ${N8N_VERSION} is not installed in tools/n8n`, 'run `npm run setup:n8n` (about 3 minutes and 1.5 GB)');
  return entry;
}
