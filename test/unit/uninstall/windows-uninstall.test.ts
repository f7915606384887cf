// `jett uninstall` on Windows, on replayed outputs of sc.exe and reg.exe (test/unit/tunnel/fixtures/windows, each
// citing its source): the tunnel service found by `sc query` is stopped, then removed by the elevated step through
// UAC (`... tunnel uninstall --interface IFACE`, run by the same program), a No at the prompt leaves it with its fix,
// nothing installed asks for nothing; Electron's login item values removed from HKCU without elevation.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyringCall } from '../../../main/core/secrets/keyring-call.js';
import type { TunnelControl } from '../../../main/core/tunnel/control.js';
import { ERROR_CANCELLED } from '../../../main/core/tunnel/elevation.js';
import type { ProcessRunner, RunOptions, RunResult } from '../../../main/core/tunnel/runner.js';
import { elevatedUninstallOf, elevateWith, removeTunnel } from '../../../main/core/uninstall/tunnel.js';
import { uninstall } from '../../../main/core/uninstall/uninstall.js';
import { APP_USER_MODEL_ID, LOGIN_ITEM_KEYS, removeWindowsLoginItem } from '../../../main/core/uninstall/windows-login-item.js';
import { tempDir } from '../../helpers/tmp.js';
import { replay } from '../tunnel/windows-replay.js';

const SC = 'C:\\Windows\\System32\\sc.exe';
const REG = 'C:\\Windows\\System32\\reg.exe';
const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const DATA_DIR = 'C:\\ProgramData\\Jett';

interface Call {
  program: string;
  args: string[];
  env?: Record<string, string>;
}

function windows(answer: (program: string, args: string[]) => RunResult | string): { runner: ProcessRunner; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    runner: {
      async run(file: string, args: string[], opts?: RunOptions) {
        const program = path.win32.basename(file);
        calls.push({ program, args: [...args], ...(opts?.env ? { env: opts.env } : {}) });
        const a = answer(program, [...args]);
        return typeof a === 'string' ? replay(a) : a;
      },
    },
  };
}

function stoppable(): { control: () => TunnelControl; downs: number[] } {
  const downs: number[] = [];
  return { downs, control: () => ({ down: async () => (downs.push(1), true) }) as unknown as TunnelControl };
}

describe('jett uninstall on Windows: the tunnel service through UAC', () => {
  it('stops the tunnel, then runs the elevated step with the interface; exit 0 is removed', async () => {
    const w = windows(() => 'sc-query-stopped.txt');
    const s = stoppable();
    const asked: string[][] = [];
    const r = await removeTunnel({ platform: 'win32', iface: 'jett0', isRoot: false, runner: w.runner, control: s.control, exists: () => true, windows: { sc: SC, dataDir: DATA_DIR, elevate: async (args) => (asked.push(args), 0) } });
    expect(w.calls).toEqual([{ program: 'sc.exe', args: ['query', 'WireGuardTunnel$jett0'] }]);
    expect(s.downs).toHaveLength(1);
    expect(asked).toEqual([['tunnel', 'uninstall', '--interface', 'jett0']]);
    expect(r).toEqual({ removed: ['the running tunnel jett0 (brought down)', `the tunnel service WireGuardTunnel$jett0 and ${DATA_DIR} (as administrator)`], left: [] });
  });

  it('a No at the Windows prompt (1223) leaves the service, with how to remove it', async () => {
    const w = windows(() => 'sc-query-running.txt');
    const r = await removeTunnel({ platform: 'win32', iface: 'jett0', isRoot: false, runner: w.runner, control: null, exists: () => true, windows: { sc: SC, dataDir: DATA_DIR, elevate: async () => ERROR_CANCELLED } });
    expect(r.removed).toEqual([]);
    expect(r.left).toEqual([{ what: `the tunnel service WireGuardTunnel$jett0 and ${DATA_DIR}`, fix: expect.stringMatching(/declined.*choose Yes.*`jett tunnel uninstall` in a terminal opened as administrator/) }]);
  });

  it('a failed elevated step names its exit status', async () => {
    const w = windows(() => 'sc-query-stopped.txt');
    const r = await removeTunnel({ platform: 'win32', iface: 'jett0', isRoot: false, runner: w.runner, control: null, exists: () => true, windows: { sc: SC, dataDir: DATA_DIR, elevate: async () => 1 } });
    expect(r.left[0]!.fix).toMatch(/failed \(exit 1\)/);
  });

  it('with no service (1060) and no ProgramData\\Jett it asks for nothing', async () => {
    const w = windows(() => 'sc-query-missing.txt');
    const asked: string[][] = [];
    const r = await removeTunnel({ platform: 'win32', iface: 'jett0', isRoot: false, runner: w.runner, control: stoppable().control, exists: () => false, windows: { sc: SC, dataDir: DATA_DIR, elevate: async (args) => (asked.push(args), 0) } });
    expect(asked).toEqual([]);
    expect(r).toEqual({ removed: [], left: [] });
  });

  it('the elevated step is the same program asked through PowerShell\'s runas: program and arguments travel in the environment', async () => {
    const w = windows(() => ({ exitCode: 0, stdout: '', stderr: '' }));
    const elevate = elevateWith({ runner: w.runner, powershell: POWERSHELL, program: 'C:\\Program Files\\nodejs\\node.exe', programArgs: ['C:\\Users\\Jürgen Müller\\jett\\bin\\jett.mjs'] });
    expect(await elevate(['tunnel', 'uninstall', '--interface', 'jett0'])).toBe(0);
    expect(w.calls).toHaveLength(1);
    expect(w.calls[0]!.program).toBe('powershell.exe');
    expect(w.calls[0]!.args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
    expect(w.calls[0]!.env).toEqual({ JETT_ELEVATE_FILE: 'C:\\Program Files\\nodejs\\node.exe', JETT_ELEVATE_ARGS: '"C:\\Users\\Jürgen Müller\\jett\\bin\\jett.mjs" tunnel uninstall --interface jett0' });
  });

  it('the app knows the elevated step by its last four arguments, and refuses an interface name that is not one', () => {
    expect(elevatedUninstallOf(['C:\\Program Files\\Jett\\Jett.exe', 'tunnel', 'uninstall', '--interface', 'jett0'])).toBe('jett0');
    expect(elevatedUninstallOf(['C:\\Program Files\\Jett\\Jett.exe'])).toBeNull();
    expect(elevatedUninstallOf(['Jett.exe', 'tunnel', 'install', '--from', 'x'])).toBeNull();
    expect(() => elevatedUninstallOf(['Jett.exe', 'tunnel', 'uninstall', '--interface', 'jett0 & calc'])).toThrow();
  });
});

describe('jett uninstall on Windows: the login item', () => {
  it("deletes Electron's Run value (named after the AppUserModelId) and skips the StartupApproved one that is not there", async () => {
    const w = windows((_, args) => (args[0] === 'delete' ? 'reg-delete-ok.txt' : args[1] === LOGIN_ITEM_KEYS[0] ? 'reg-query-run-value.txt' : 'reg-query-missing.txt'));
    const r = await removeWindowsLoginItem(w.runner, REG);
    expect(w.calls.map((c) => c.args)).toEqual([
      ['query', LOGIN_ITEM_KEYS[0], '/v', APP_USER_MODEL_ID],
      ['delete', LOGIN_ITEM_KEYS[0], '/v', APP_USER_MODEL_ID, '/f'],
      ['query', LOGIN_ITEM_KEYS[1], '/v', APP_USER_MODEL_ID],
    ]);
    expect(r).toEqual({ removed: [`${LOGIN_ITEM_KEYS[0]}\\${APP_USER_MODEL_ID}`], failed: [] });
  });

  it('the whole uninstall: service through UAC, login item, Credential Manager entries; JETT_HOME and the local data folder kept', async () => {
    const w = windows((program, args) => (program === 'sc.exe' ? 'sc-query-stopped.txt' : args[0] === 'delete' ? 'reg-delete-ok.txt' : 'reg-query-run-value.txt'));
    const entries = new Map([['tunnel.privateKey', 'k']]);
    const call: KeyringCall = async (ops) => ({ ok: true, results: ops.map((o) => (o.op === 'get' ? (entries.get(o.name) ?? null) : entries.delete(o.name))) });
    const home = tempDir('jett-win-');
    const r = await uninstall(
      { deleteData: false },
      {
        platform: 'win32',
        env: {},
        home,
        dataHome: tempDir('jett-win-local-'),
        userHome: tempDir('jett-win-profile-'),
        runner: w.runner,
        agentRunning: async () => false,
        tunnel: { iface: 'jett0', isRoot: false, control: null, exists: () => false, windows: { sc: SC, dataDir: DATA_DIR, elevate: async () => 0 } },
        keyringCall: call,
        reg: REG,
      },
    );
    expect(r.left).toEqual([]);
    expect(r.removed).toEqual([
      `the tunnel service WireGuardTunnel$jett0 and ${DATA_DIR} (as administrator)`,
      `${LOGIN_ITEM_KEYS[0]}\\${APP_USER_MODEL_ID}`,
      `${LOGIN_ITEM_KEYS[1]}\\${APP_USER_MODEL_ID}`,
      expect.stringMatching(/^Windows Credential Manager, service "Jett [0-9a-f]{12}": tunnel\.privateKey$/),
    ]);
    expect(entries.size).toBe(0);
  });
});
