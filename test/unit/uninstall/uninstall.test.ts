// `jett uninstall`'s core on Linux, with a keyring that keeps its entries in memory and real files in temp folders:
// a running agent stops it before anything goes; a user's own files are never removed; JETT_HOME is deleted only
// when asked and never when it is the home folder; a keyring that refuses is reported with its fix while the other
// steps still run; a user (not root) gets the tunnel brought down and the sudo step printed; a second run is clean.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_NAMES } from '../../../main/core/contracts/secrets.js';
import type { KeyringCall, KeyringReply } from '../../../main/core/secrets/keyring-call.js';
import { LINUX_HELPER_PATH, type TunnelControl } from '../../../main/core/tunnel/control.js';
import { INSTALL_MARKER, SUDOERS_PATH } from '../../../main/core/tunnel/install.js';
import { autostartFile, renderAutostart } from '../../../main/core/uninstall/autostart.js';
import { AgentRunningError, uninstall, type UninstallDeps } from '../../../main/core/uninstall/uninstall.js';
import { tempDir } from '../../helpers/tmp.js';

/** A keyring holding `entries`; `fail` makes every call answer that failure instead. */
function keyring(entries: Map<string, string>, fail?: KeyringReply): KeyringCall {
  return async (ops) => {
    if (fail) return fail;
    const results = ops.map((op) => {
      if (op.op === 'get') return entries.get(op.name) ?? null;
      if (op.op === 'set') return void entries.set(op.name, op.value), true;
      return entries.delete(op.name);
    });
    return { ok: true, results };
  };
}

function machine(over: Partial<UninstallDeps> = {}) {
  const userHome = tempDir('jett-user-');
  const home = path.join(userHome, '.config', 'Jett');
  fs.mkdirSync(path.join(home, 'logs'), { recursive: true });
  fs.writeFileSync(path.join(home, 'config.json'), '{}\n');
  fs.writeFileSync(path.join(home, 'secrets.json'), '{"n8n.apiKey":"n8n-key"}\n', { mode: 0o600 });
  const env = { HOME: userHome };
  const autostart = autostartFile(env);
  fs.mkdirSync(path.dirname(autostart), { recursive: true });
  fs.writeFileSync(autostart, renderAutostart('/opt/Jett/jett'));
  const entries = new Map<string, string>([['tunnel.privateKey', 'k'], ['postgres.password', 'pw']]);
  const deps: UninstallDeps = {
    platform: 'linux',
    env,
    home,
    dataHome: home,
    userHome,
    runner: { run: async () => ({ exitCode: 0, stdout: '', stderr: '' }) },
    agentRunning: async () => false,
    tunnel: { iface: 'jett0', isRoot: false, control: null, exists: () => false },
    keyringCall: keyring(entries),
    ...over,
  };
  return { deps, home, userHome, autostart, entries };
}

describe('jett uninstall (core, Linux)', () => {
  it('refuses while an agent runs, and removes nothing', async () => {
    const m = machine({ agentRunning: async () => true });
    await expect(uninstall({ deleteData: true }, m.deps)).rejects.toThrow(AgentRunningError);
    await expect(uninstall({ deleteData: true }, m.deps)).rejects.toMatchObject({ message: expect.stringMatching(/agent is running.*nothing was removed/), fix: expect.stringMatching(/quit the tray app|Ctrl-C/) });
    expect(fs.existsSync(m.autostart)).toBe(true);
    expect(fs.existsSync(path.join(m.home, 'secrets.json'))).toBe(true);
    expect([...m.entries.keys()]).toEqual(['tunnel.privateKey', 'postgres.password']);
  });

  it('removes the autostart file, every keyring entry and the file store; keeps JETT_HOME when asked; a second run removes nothing', async () => {
    const m = machine();
    const r = await uninstall({ deleteData: false }, m.deps);
    expect(r.left).toEqual([]);
    expect(r.dataKept).toBe(true);
    expect(r.removed).toEqual([
      m.autostart,
      expect.stringMatching(/Secret Service, service "Jett [0-9a-f]{12}": tunnel\.privateKey$/),
      expect.stringMatching(/: postgres\.password$/),
      path.join(m.home, 'secrets.json'),
    ]);
    expect(m.entries.size).toBe(0);
    expect(fs.existsSync(m.autostart)).toBe(false);
    expect(fs.readdirSync(m.home).sort()).toEqual(['config.json', 'logs']);
    expect(await uninstall({ deleteData: false }, m.deps)).toEqual({ home: m.home, removed: [], left: [], dataKept: true });
  });

  it('deletes JETT_HOME with --delete-data, and only then', async () => {
    const m = machine();
    const r = await uninstall({ deleteData: true }, m.deps);
    expect(r).toMatchObject({ left: [], dataKept: false });
    expect(r.removed.at(-1)).toBe(m.home);
    expect(fs.existsSync(m.home)).toBe(false);
    expect(fs.existsSync(m.userHome)).toBe(true);
  });

  it('never deletes a JETT_HOME that is the home folder (or holds it), nor a folder with nothing of Jett in it', async () => {
    for (const home of ['userHome', '/', 'stranger'] as const) {
      const m = machine();
      const dir = home === 'userHome' ? m.userHome : home === '/' ? '/' : tempDir('jett-stranger-');
      if (home === 'stranger') fs.writeFileSync(path.join(dir, 'thesis.tex'), 'years of work');
      const r = await uninstall({ deleteData: true }, { ...m.deps, home: dir, dataHome: dir });
      expect(r.left).toEqual([{ what: expect.stringContaining(`${dir} (not deleted: `), fix: expect.stringContaining('JETT_HOME should be a folder of its own') }]);
      expect(fs.existsSync(dir)).toBe(true);
      if (home === 'stranger') expect(fs.readFileSync(path.join(dir, 'thesis.tex'), 'utf8')).toBe('years of work');
    }
  });

  it("keeps an autostart file named jett.desktop that Jett did not write, and says so", async () => {
    const m = machine();
    fs.writeFileSync(m.autostart, '[Desktop Entry]\nType=Application\nName=Jett Jumper\nExec=/usr/games/jett\n');
    const r = await uninstall({ deleteData: false }, m.deps);
    expect(r.left).toEqual([{ what: `${m.autostart} (not written by Jett, kept)`, fix: expect.any(String) }]);
    expect(fs.readFileSync(m.autostart, 'utf8')).toContain('Jett Jumper');
  });

  it('a keyring that refuses: its secrets are reported with how to unlock it, the other steps still run, nothing is deleted from it', async () => {
    const m = machine();
    const r = await uninstall({ deleteData: false }, { ...m.deps, keyringCall: keyring(m.entries, { ok: false, kind: 'refused', message: 'the collection is locked' }) });
    expect(r.left).toEqual([{ what: expect.stringContaining('did not answer: the collection is locked'), fix: expect.stringMatching(/unlock your keyring.*then run `jett uninstall` again/) }]);
    expect(r.removed).toContain(m.autostart);
    expect(m.entries.size).toBe(2);
  });

  it('no keyring at all (a headless box on the file store): nothing to report but the file store removed', async () => {
    const m = machine();
    const r = await uninstall({ deleteData: false }, { ...m.deps, keyringCall: keyring(m.entries, { ok: false, kind: 'absent', message: 'no D-Bus session' }) });
    expect(r.left).toEqual([]);
    expect(r.removed).toEqual([m.autostart, path.join(m.home, 'secrets.json')]);
  });

  it('as a user: brings the tunnel down through the helper first, then prints the sudo step for the root-owned files', async () => {
    const m = machine();
    const order: string[] = [];
    const control = { down: async () => (order.push('down'), true) } as unknown as TunnelControl;
    const r = await uninstall({ deleteData: false }, { ...m.deps, tunnel: { iface: 'jett0', isRoot: false, control: () => control, exists: (p) => p === LINUX_HELPER_PATH } });
    expect(order).toEqual(['down']);
    expect(r.removed[0]).toBe('the running tunnel jett0 (brought down)');
    expect(r.left).toEqual([
      { what: `the tunnel helper ${LINUX_HELPER_PATH}, its sudoers line ${SUDOERS_PATH} and /etc/wireguard/jett0.conf`, fix: expect.stringContaining('`sudo jett tunnel uninstall --interface jett0`') },
    ]);
  });

  it('as root: removes exactly the files the install wrote, and keeps one at those paths that it did not write', async () => {
    const m = machine();
    const root = tempDir('jett-root-');
    const put = (p: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), text);
    };
    put(SUDOERS_PATH, `${INSTALL_MARKER}\nroot ALL=(root) NOPASSWD: JETT_TUNNEL\n`);
    put(LINUX_HELPER_PATH, `#!/bin/bash -p\n${INSTALL_MARKER}\n`);
    put('/etc/wireguard/jett0.conf', '[Interface]\n# the admin\'s own tunnel\n');
    put('/etc/sudoers.d/someone-else', 'x ALL=(ALL) ALL\n');
    const r = await uninstall({ deleteData: false }, { ...m.deps, tunnel: { iface: 'jett0', isRoot: true, control: null, linuxRoot: root } });
    expect(r.removed.slice(0, 2)).toEqual([path.join(root, SUDOERS_PATH), path.join(root, LINUX_HELPER_PATH)]);
    expect(r.left).toEqual([{ what: `${path.join(root, '/etc/wireguard/jett0.conf')} (not written by Jett)`, fix: expect.stringContaining('Jett did not write it') }]);
    expect(fs.existsSync(path.join(root, '/etc/wireguard/jett0.conf'))).toBe(true);
    expect(fs.existsSync(path.join(root, '/etc/sudoers.d/someone-else'))).toBe(true);
  });

  it('reports a tunnel that would not come down, and goes on', async () => {
    const m = machine();
    const control = { down: async () => Promise.reject(new Error('wg-quick down jett0 failed: exit 1')) } as unknown as TunnelControl;
    const r = await uninstall({ deleteData: false }, { ...m.deps, tunnel: { iface: 'jett0', isRoot: false, control: () => control, exists: (p) => p === LINUX_HELPER_PATH } });
    expect(r.left[0]).toEqual({ what: expect.stringContaining('the tunnel jett0 may still be up (wg-quick down jett0 failed'), fix: 'run `sudo ip link delete jett0`' });
    expect(r.removed).toContain(m.autostart);
    expect(SECRET_NAMES.some((n) => m.entries.has(n))).toBe(false);
  });
});
