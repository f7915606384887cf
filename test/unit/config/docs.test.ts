// Every config key is documented once: in CONFIG_DOCS (for `jett config list`) and in the README table with its default.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../../main/core/contracts/config.js';
import { DEFAULT_CONFIG, getKey } from '../../../main/core/config/store.js';

function leafKeys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' ? leafKeys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('config documentation', () => {
  it('covers exactly the keys of the schema', () => {
    expect([...CONFIG_KEYS].sort()).toEqual(leafKeys(DEFAULT_CONFIG).sort());
  });

  it('lists every key with its default in the README table', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    for (const key of CONFIG_KEYS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
      expect(row, `README table row for ${key}`).toBeDefined();
      const value = getKey(DEFAULT_CONFIG, key);
      expect(row).toContain(value === '' ? '(empty)' : `\`${String(value)}\``);
    }
  });
});
