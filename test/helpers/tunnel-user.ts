// A desktop user ready for `jett tunnel install`: a JETT_HOME with a key pair and a VPS peer, made through the CLI.
import { expect } from 'vitest';
import { generateKeyPair } from '../../main/core/tunnel/keys.js';
import { jett } from './cli.js';
import { tempDir } from './tmp.js';

export async function userWithKeys(): Promise<string> {
  const home = tempDir();
  expect((await jett(['keys', 'generate'], { home })).code).toBe(0);
  expect((await jett(['tunnel', 'peer', '--public-key', generateKeyPair().publicKey, '--endpoint', 'vps.example.org:51820'], { home })).code).toBe(0);
  return home;
}
