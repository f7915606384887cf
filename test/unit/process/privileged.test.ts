// The resolver for programs that run as root: fixed system folders only, and every folder, link and file on the
// way root's alone. A fake tree covers each case exactly; the same cases then run on real files as root.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertRootOnly, resolvePrivileged, UnsafeProgramError, type TrustFs, type TrustStat } from '../../../main/core/process/privileged.js';
import { describeWith, root } from '../../helpers/requirements.js';
import { rootOnlyDir } from '../../helpers/root-dir.js';

type Node = { kind: 'dir' | 'file'; uid?: number; mode?: number } | { kind: 'link'; to: string; uid?: number };

/** A file system of absolute paths; parents must be listed. Defaults: root-owned, 0755. */
function fakeFs(tree: Record<string, Node>): TrustFs {
  const stat = (n: Node): TrustStat => ({
    uid: n.uid ?? 0,
    mode: n.kind === 'link' ? 0o777 : (n.mode ?? 0o755),
    isFile: () => n.kind === 'file',
    isDirectory: () => n.kind === 'dir',
    isSymbolicLink: () => n.kind === 'link',
  });
  const get = (p: string): Node => {
    const n = tree[p];
    if (!n) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return n;
  };
  return {
    lstatSync: (p) => stat(get(p)),
    readlinkSync: (p) => {
      const n = get(p);
      if (n.kind !== 'link') throw Object.assign(new Error('EINVAL'), { code: 'EINVAL' });
      return n.to;
    },
  };
}

// A merged-/usr Debian: /bin and /sbin are links into /usr.
const DEBIAN: Record<string, Node> = {
  '/': { kind: 'dir' },
  '/usr': { kind: 'dir' },
  '/usr/bin': { kind: 'dir' },
  '/usr/sbin': { kind: 'dir' },
  '/usr/local': { kind: 'dir' },
  '/usr/local/bin': { kind: 'dir' },
  '/bin': { kind: 'link', to: 'usr/bin' },
  '/sbin': { kind: 'link', to: 'usr/sbin' },
  '/usr/bin/bash': { kind: 'file' },
  '/usr/bin/wg-quick': { kind: 'file' },
  '/usr/sbin/visudo': { kind: 'file' },
  '/tmp': { kind: 'dir', mode: 0o1777 },
  '/home': { kind: 'dir' },
  '/home/alice': { kind: 'dir', uid: 1000, mode: 0o700 },
  '/home/alice/bin': { kind: 'dir', uid: 1000 },
  '/home/alice/bin/wg': { kind: 'file', uid: 1000 },
};

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafeProgramError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('resolvePrivileged on a fake tree', () => {
  it('finds programs in /usr/bin, /usr/sbin, /bin and /sbin, following /bin -> usr/bin', () => {
    const fsx = fakeFs(DEBIAN);
    expect(resolvePrivileged('wg-quick', fsx)).toBe('/usr/bin/wg-quick');
    expect(resolvePrivileged('visudo', fsx)).toBe('/usr/sbin/visudo');
    expect(assertRootOnly('/bin/bash', 'program', fsx)).toBe('/usr/bin/bash');
  });

  it('never looks in /usr/local or on PATH: a wg only there is not found', () => {
    const fsx = fakeFs({ ...DEBIAN, '/usr/local/bin/wg': { kind: 'file' } });
    expect(resolvePrivileged('wg', fsx)).toBeNull();
  });

  it('refuses a program owned by a user, even in /usr/bin, instead of trying the next folder', () => {
    const fsx = fakeFs({ ...DEBIAN, '/usr/bin/wg': { kind: 'file', uid: 1000 }, '/usr/sbin/wg': { kind: 'file' } });
    expect(refusal(() => resolvePrivileged('wg', fsx))).toBe('/usr/bin/wg is not safe to use as root: /usr/bin/wg is owned by uid 1000, not root');
  });

  it('refuses a program writable by group or others, and one under a writable folder', () => {
    expect(refusal(() => resolvePrivileged('wg', fakeFs({ ...DEBIAN, '/usr/bin/wg': { kind: 'file', mode: 0o775 } })))).toMatch(/\/usr\/bin\/wg is writable by group or others \(mode 0775\)/);
    expect(refusal(() => resolvePrivileged('wg', fakeFs({ ...DEBIAN, '/usr/sbin': { kind: 'dir', mode: 0o777 }, '/usr/sbin/wg': { kind: 'file' } })))).toMatch(/: \/usr\/sbin is writable by group or others \(mode 0777\)$/);
    expect(refusal(() => resolvePrivileged('wg', fakeFs({ ...DEBIAN, '/usr': { kind: 'dir', mode: 0o2775 }, '/usr/bin/wg': { kind: 'file' } })))).toMatch(/: \/usr is writable by group or others \(mode 2775\)$/);
  });

  it('follows a link out of a system folder and refuses the user-writable target', () => {
    const fsx = fakeFs({ ...DEBIAN, '/usr/bin/wg': { kind: 'link', to: '/home/alice/bin/wg' } });
    expect(refusal(() => resolvePrivileged('wg', fsx))).toMatch(/^\/usr\/bin\/wg is not safe to use as root: \/home\/alice is owned by uid 1000, not root$/);
  });

  it('checks every folder a chain of links passes through, not only the final real path', () => {
    // /usr/bin/wg -> /opt/a/wg, and /opt/a -> /srv/b: the real path /srv/b/wg is clean, but /opt is writable,
    // so whoever can write /opt can point /opt/a elsewhere.
    const fsx = fakeFs({ ...DEBIAN, '/usr/bin/wg': { kind: 'link', to: '/opt/a/wg' }, '/opt': { kind: 'dir', mode: 0o777 }, '/opt/a': { kind: 'link', to: '/srv/b' }, '/srv': { kind: 'dir' }, '/srv/b': { kind: 'dir' }, '/srv/b/wg': { kind: 'file' } });
    expect(refusal(() => resolvePrivileged('wg', fsx))).toMatch(/: \/opt is writable by group or others/);
  });

  it('refuses a link owned by a user, a loop of links, and a program in the sticky /tmp', () => {
    expect(refusal(() => resolvePrivileged('wg', fakeFs({ ...DEBIAN, '/usr/bin/wg': { kind: 'link', to: 'wg-quick', uid: 1000 } })))).toMatch(/\/usr\/bin\/wg is owned by uid 1000/);
    expect(refusal(() => resolvePrivileged('wg', fakeFs({ ...DEBIAN, '/usr/bin/wg': { kind: 'link', to: 'wg2' }, '/usr/bin/wg2': { kind: 'link', to: 'wg' } })))).toMatch(/too many symbolic links/);
    expect(refusal(() => assertRootOnly('/tmp/wg', 'program', fakeFs({ ...DEBIAN, '/tmp/wg': { kind: 'file' } })))).toMatch(/\/tmp is writable by group or others \(mode 1777\)/);
  });

  it('refuses what is not an executable file, and names that are not plain', () => {
    expect(refusal(() => resolvePrivileged('wg', fakeFs({ ...DEBIAN, '/usr/bin/wg': { kind: 'file', mode: 0o644 } })))).toMatch(/is not an executable file/);
    expect(refusal(() => resolvePrivileged('../local/bin/wg', fakeFs(DEBIAN)))).toMatch(/not a plain program name/);
  });
});

describeWith([root], 'resolvePrivileged on real files', () => {
  const base = (): string => rootOnlyDir();

  it('accepts the system programs, /bin/bash through the merged-/usr link included', () => {
    expect(resolvePrivileged('bash')).toMatch(/^\/(usr\/)?bin\/bash$/);
    expect(assertRootOnly('/bin/bash')).toBe(fs.realpathSync('/bin/bash'));
  });

  it('accepts a root-owned program in a root-only folder, refuses it once the folder is 0777', () => {
    const dir = path.join(base(), 'bin');
    fs.mkdirSync(dir, { mode: 0o755 });
    const prog = path.join(dir, 'wg-quick');
    fs.writeFileSync(prog, '#!/bin/sh\n', { mode: 0o755 });
    expect(assertRootOnly(prog)).toBe(prog);
    fs.chmodSync(dir, 0o777);
    expect(refusal(() => assertRootOnly(prog))).toBe(`${prog} is not safe to use as root: ${dir} is writable by group or others (mode 0777)`);
  });

  it('refuses a program owned by another user', () => {
    const prog = path.join(base(), 'wg');
    fs.writeFileSync(prog, '#!/bin/sh\n', { mode: 0o755 });
    fs.chownSync(prog, 65534, 65534);
    expect(refusal(() => assertRootOnly(prog))).toMatch(/is owned by uid 65534, not root$/);
  });

  it('refuses a root-owned link in a root-only folder that points into a user-writable folder', () => {
    // The target folder sits in a root-only folder, so the 0777 folder itself is what is refused.
    const writable = path.join(base(), 'open');
    fs.mkdirSync(writable);
    fs.chmodSync(writable, 0o777);
    const target = path.join(writable, 'wg');
    fs.writeFileSync(target, '#!/bin/sh\n', { mode: 0o755 });
    const link = path.join(base(), 'wg');
    fs.symlinkSync(target, link);
    expect(refusal(() => assertRootOnly(link))).toMatch(new RegExp(`: ${writable.replace(/[/.]/g, '\\$&')} is writable by group or others \\(mode 0777\\)$`));
  });
});
