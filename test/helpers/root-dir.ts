// Temporary folders that only root can change, all the way up (/run is root's, 0755): where tests put programs
// and configs that the root-only checks must accept. Removed after each test file; /run is emptied at boot.
import fs from 'node:fs';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

export function rootOnlyDir(prefix = 'jett-test-'): string {
  const dir = fs.mkdtempSync(`/run/${prefix}`);
  fs.chmodSync(dir, 0o755);
  made.push(dir);
  return dir;
}
