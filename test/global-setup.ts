// Runs once before the tests: builds the `jett` command if its sources changed, so every test that spawns
// bin/jett.mjs finds a fresh build instead of rebuilding it (and saying so on stderr) the first time.
import { ensureCli } from './helpers/built-cli.js';

export default async function setup(): Promise<void> {
  await ensureCli();
}
