// The test clusters find the PostgreSQL server programs of whichever Debian major is installed, not only 15.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { findPgBinDir } from '../../../main/harness/postgres/cluster.js';
import { tempDir } from '../../helpers/tmp.js';

function fakeMajors(spec: Record<string, boolean>): string {
  const root = tempDir('jett-pgroot-');
  for (const [major, hasInitdb] of Object.entries(spec)) {
    fs.mkdirSync(path.join(root, major, 'bin'), { recursive: true });
    if (hasInitdb) fs.writeFileSync(path.join(root, major, 'bin', 'initdb'), '');
  }
  return root;
}

it('takes the newest major that has initdb, skipping a client-only folder', () => {
  const root = fakeMajors({ '13': true, '15': true, '16': false, lib: false });
  expect(findPgBinDir({}, root)).toBe(path.join(root, '15', 'bin'));
});

it('takes JETT_PG_BIN_DIR over what is installed', () => {
  const root = fakeMajors({ '15': true });
  expect(findPgBinDir({ JETT_PG_BIN_DIR: '/opt/pg/bin' }, root)).toBe('/opt/pg/bin');
});

it('falls back to the Debian 12 folder when none is installed, so the requirement check names the package', () => {
  const root = path.join(tempDir('jett-pgroot-'), 'absent');
  expect(findPgBinDir({}, root)).toBe(path.join(root, '15', 'bin'));
});
