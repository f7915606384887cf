// Makes a real bundle with `jett vps bundle` for the integration tests, on tunnel addresses they may use.
import path from 'node:path';
import { expect } from 'vitest';
import { VpsBundleReportSchema, type VpsBundleReport } from '../../../main/core/contracts/vps.js';
import { generateKeyPair, type KeyPair } from '../../../main/core/tunnel/keys.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

export interface MadeBundle {
  home: string;
  dir: string;
  desktopKeys: KeyPair;
  report: VpsBundleReport;
}

/** A JETT_HOME with a desktop key and the given config, and the bundle `jett vps bundle` writes from it. */
export async function makeBundle(config: Record<string, string> = {}): Promise<MadeBundle> {
  const home = tempDir('jett-vps-it-');
  const desktopKeys = generateKeyPair();
  expect((await jett(['secret', 'set', 'tunnel.privateKey'], { home, stdin: desktopKeys.privateKey })).code).toBe(0);
  for (const [key, value] of Object.entries(config)) expect((await jett(['config', 'set', key, value], { home })).code).toBe(0);
  const dir = path.join(tempDir('jett-vps-it-'), 'jett');
  const r = await jett(['vps', 'bundle', '--out', dir, '--timezone', 'UTC', '--json'], { home });
  expect(r.stderr).toBe('');
  return { home, dir, desktopKeys, report: VpsBundleReportSchema.parse(JSON.parse(r.stdout)) };
}
