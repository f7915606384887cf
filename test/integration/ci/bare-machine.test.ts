// scripts/bare-machine.sh, which CI uses to run the suite as a machine without setup-linux.sh's packages: the list
// it hides comes from those packages (and what they pulled in beyond Debian's base system), and inside its mount
// namespace their programs cannot run and PostgreSQL's folder is empty, while the base system (bash, ip) still
// works, JETT_REQUIRE_ALL is unset, and nothing outside changes.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';

const SCRIPT = 'scripts/bare-machine.sh';

const INSIDE = String.raw`
wg --version >/dev/null 2>&1; echo "wg=$?"
test -x /usr/bin/wg && echo wg-executable
ip -V >/dev/null 2>&1; echo "ip=$?"
echo "pg=$(ls -A /usr/lib/postgresql | wc -l)"
echo "require_all=$(printenv JETT_REQUIRE_ALL || echo unset)"
`;

describeWith([root, binary('unshare'), binary('apt-cache'), binary('dpkg'), binary('wg'), binary('ip')], 'the bare-machine run (scripts/bare-machine.sh)', () => {
  it("hides the programs of setup-linux.sh's packages, not the base system's", () => {
    const hidden = execFileSync('bash', [SCRIPT, '--list'], { encoding: 'utf8' }).trim().split('\n');
    const wg = fs.realpathSync(resolveBinary('wg')!);
    expect(hidden).toContain(wg);
    for (const name of ['wg-quick', 'wireguard-go', 'sox', 'secret-tool', 'gnome-keyring-daemon', 'dbus-run-session', 'xvfb-run', 'age', 'curl', 'visudo']) {
      const found = resolveBinary(name);
      if (found) expect(hidden, name).toContain(fs.realpathSync(found));
    }
    expect(hidden).toContain('/usr/lib/postgresql');
    for (const base of ['ip', 'bash', 'mount', 'unshare', 'ping']) {
      const found = resolveBinary(base);
      if (found) expect(hidden, base).not.toContain(fs.realpathSync(found));
    }
    expect(hidden).not.toContain(fs.realpathSync(process.execPath));
  });

  it('inside, wg is there but cannot run, ip runs, PostgreSQL is gone and JETT_REQUIRE_ALL is unset; outside nothing changed', () => {
    const r = spawnSync('bash', [SCRIPT, 'bash', '-c', INSIDE], { encoding: 'utf8', env: { ...process.env, JETT_REQUIRE_ALL: '1' }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^bare-machine: hid \d+ programs and \/usr\/lib\/postgresql$/m);
    expect(r.stdout.trim().split('\n')).toEqual(['wg=126', 'ip=0', 'pg=0', 'require_all=unset']);
    // The namespace is gone with the command: the host's wg still runs.
    expect(spawnSync(resolveBinary('wg')!, ['--version']).status).toBe(0);
  });
});
