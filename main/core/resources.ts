// Finds files that ship in resources/: beside main/ in a checkout, beside dist/ when built, and in the packaged
// app's resources folder (electron-builder's extraResources puts them at <resourcesPath>/resources).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JettError } from './errors.js';

export class MissingResourceError extends JettError {}

/** The absolute path of resources/REL, found by walking up from this file; throws when it is not shipped. */
export function resourcePath(rel: string): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'resources', rel);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) {
      throw new MissingResourceError(`resources/${rel} not found above ${start}`, 'the installation is incomplete: reinstall Jett (or run from a full checkout)');
    }
    dir = up;
  }
}
