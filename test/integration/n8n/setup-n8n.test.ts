// `npm run setup:n8n` is idempotent: with a finished install of the committed lockfile it changes nothing and says so.
import fs from 'node:fs';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { describeWith, n8nInstalled } from '../../helpers/requirements.js';

describeWith([n8nInstalled], 'npm run setup:n8n', () => {
  it('leaves a finished install of the same lockfile as it is', async () => {
    const stamp = 'tools/n8n/node_modules/.jett-setup-n8n';
    const entry = 'tools/n8n/node_modules/n8n/package.json';
    const before = [fs.statSync(stamp).mtimeMs, fs.statSync(entry).mtimeMs];
    const r = await execa(resolveBinary('bash')!, ['scripts/setup-n8n.sh'], { reject: false });
    expect([r.exitCode, r.stdout]).toEqual([0, 'setup:n8n: n8n 1.121.3 is installed in tools/n8n']);
    expect([fs.statSync(stamp).mtimeMs, fs.statSync(entry).mtimeMs]).toEqual(before);
  });
});
