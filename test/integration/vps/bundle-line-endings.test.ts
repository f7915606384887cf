// The VPS bundle has no CR in any file, whatever the checkout: a clone made with core.autocrlf=true (what Git for
// Windows does by default) keeps resources/ LF through .gitattributes, and the writer normalizes CRLF templates.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { resourcesRoot, writeVpsBundle } from '../../../main/core/vps/bundle.js';
import { tempDir } from '../../helpers/tmp.js';

const GIT = '/usr/bin/git';

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

/** The bundle's files that hold a CR, with the number of CRs in each. */
function filesWithCr(dir: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const f of allFiles(dir)) {
    const crs = fs.readFileSync(path.join(dir, f)).filter((b) => b === 0x0d).length;
    if (crs > 0) found[f] = crs;
  }
  return found;
}

async function bundleFrom(resources: string): Promise<string> {
  const secrets = new FileSecretStore(path.join(tempDir(), 'secrets.json'));
  await secrets.set('tunnel.privateKey', generateKeyPair().privateKey);
  const out = path.join(tempDir(), 'jett');
  await writeVpsBundle({
    outDir: out,
    force: false,
    config: ConfigSchema.parse({}),
    secrets,
    n8nHostname: 'n8n.example.org',
    portainerHostname: 'portainer.example.org',
    publishEditor: false,
    publishPortainer: false,
    access: null,
    backupIdentityFile: path.join(tempDir(), 'backup-identity.txt'),
    timezone: 'UTC',
    backup: { intervalHours: 24, keepDays: 14 },
    resourcesDir: path.join(resources, 'vps'),
    migrationsDir: path.join(resources, 'migrations', 'server'),
  });
  return out;
}

const SCRIPTS = ['install.sh', 'ufw.sh', 'restore.sh', 'apply-migrations.sh', 'backup/backup.sh', 'postgres/init/10-jett-roles.sh'];

describe('the VPS bundle\'s line endings', () => {
  it('a clone made with core.autocrlf=true checks resources/ out LF and yields a bundle without a CR', async () => {
    const repo = (await execa(GIT, ['rev-parse', '--show-toplevel'], { cwd: resourcesRoot() })).stdout;
    const head = (await execa(GIT, ['rev-parse', 'HEAD'], { cwd: repo })).stdout;
    const clone = path.join(tempDir(), 'jett-desktop');
    // --shared borrows the objects, so a shallow or detached checkout (CI) clones as well as a full one.
    await execa(GIT, ['clone', '--quiet', '--shared', '--no-checkout', '-c', 'core.autocrlf=true', repo, clone]);
    await execa(GIT, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', head], { cwd: clone });

    // The clone converts as Git for Windows does: a text file .gitattributes leaves alone gets CRLF...
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toContain('\r\n');
    // ...while resources/ and every shell script stay LF.
    for (const script of SCRIPTS) expect(fs.readFileSync(path.join(clone, 'resources', 'vps', script), 'utf8')).not.toContain('\r');
    expect(filesWithCr(path.join(clone, 'resources', 'vps'))).toEqual({});
    expect(filesWithCr(path.join(clone, 'resources', 'migrations'))).toEqual({});

    const out = await bundleFrom(path.join(clone, 'resources'));
    for (const script of SCRIPTS) expect(fs.existsSync(path.join(out, script))).toBe(true);
    expect(filesWithCr(out)).toEqual({});
  });

  it('the writer, fed CRLF templates, migrations and workflows, writes LF only', async () => {
    const res = tempDir();
    fs.cpSync(path.join(resourcesRoot(), 'vps'), path.join(res, 'vps'), { recursive: true });
    fs.cpSync(path.join(resourcesRoot(), 'migrations'), path.join(res, 'migrations'), { recursive: true });
    let converted = 0;
    for (const f of allFiles(res)) {
      const file = path.join(res, f);
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.replace(/\r?\n/g, '\r\n'));
      if (text.includes('\n')) converted++;
    }
    // Every template the bundle reads now has CRLF lines (a check that the test feeds what it says).
    expect(converted).toBe(allFiles(res).length);
    for (const script of SCRIPTS) expect(fs.readFileSync(path.join(res, 'vps', script), 'utf8')).toContain('\r\n');

    const out = await bundleFrom(res);
    expect(filesWithCr(out)).toEqual({});
    // The scripts are still the scripts: same lines, only the endings changed.
    for (const script of SCRIPTS) expect(fs.readFileSync(path.join(out, script), 'utf8').split('\n')[0]).toBe(fs.readFileSync(path.join(res, 'vps', script), 'utf8').split('\r\n')[0]);
  });
});
