// The tunnel's part of `jett uninstall`: bring the tunnel down first, then remove what `jett tunnel install` set up.
// That needs root or an administrator: as root it is done here; as a user on Linux the step is printed (`sudo jett
// tunnel uninstall`, as the install prints its own); on Windows it runs elevated through Windows' consent prompt.
import fs from 'node:fs';
import path from 'node:path';
import type { UninstallLeft } from '../contracts/uninstall.js';
import { errorMessage } from '../contracts/errors.js';
import { LINUX_HELPER_PATH, type TunnelControl } from '../tunnel/control.js';
import { elevationRequest, ERROR_CANCELLED } from '../tunnel/elevation.js';
import { removeLinuxInstall, SUDOERS_PATH, wireguardConfigPath } from '../tunnel/install.js';
import { windowsServiceName } from '../tunnel/install-windows.js';
import type { ProcessRunner } from '../tunnel/runner.js';
import { SC_ERROR } from '../tunnel/windows-service.js';
import { assertInterfaceName } from '../tunnel/wg-config.js';

export interface TunnelRemoval {
  platform: NodeJS.Platform;
  iface: string;
  isRoot: boolean;
  runner: ProcessRunner;
  /** Brings the tunnel down (through the helper or the service, or directly as root); null where none can run. */
  control: (() => TunnelControl) | null;
  /** Linux: where the install wrote (`/`, or the folder of `install --root`). */
  linuxRoot?: string;
  /** Windows: sc.exe, and the elevated step (`jett tunnel uninstall --interface IFACE` through UAC): its exit status. */
  windows?: { sc: string; dataDir: string; elevate: (args: string[]) => Promise<number> };
  /** Whether a path exists (tests pass a fake system). */
  exists?: (p: string) => boolean;
}

export interface Outcome {
  removed: string[];
  left: UninstallLeft[];
}

/** The arguments of the elevated step, after the program (and its script). */
export const elevatedUninstallArgs = (iface: string): string[] => ['tunnel', 'uninstall', '--interface', iface];

/**
 * The interface when this process is the elevated uninstall step (the tray app started through UAC); null
 * otherwise. The packaged app checks this first, as it does for the install's step.
 */
export function elevatedUninstallOf(argv: readonly string[]): string | null {
  const n = argv.length;
  if (n < 4 || argv[n - 4] !== 'tunnel' || argv[n - 3] !== 'uninstall' || argv[n - 2] !== '--interface') return null;
  const iface = argv[n - 1]!;
  assertInterfaceName(iface);
  return iface;
}

/** Runs `program programArgs... tunnel uninstall --interface IFACE` elevated and waits: its exit status. */
export function elevateWith(deps: { runner: ProcessRunner; powershell: string; program: string; programArgs: string[] }): (args: string[]) => Promise<number> {
  return async (args) => {
    const req = elevationRequest(deps.powershell, deps.program, [...deps.programArgs, ...args]);
    return (await deps.runner.run(req.file, req.args, { env: req.env, timeoutMs: 15 * 60_000 })).exitCode;
  };
}

async function bringDown(o: TunnelRemoval, out: Outcome): Promise<void> {
  if (!o.control) return;
  try {
    if (await o.control().down()) out.removed.push(`the running tunnel ${o.iface} (brought down)`);
  } catch (err) {
    out.left.push({ what: `the tunnel ${o.iface} may still be up (${errorMessage(err)})`, fix: o.platform === 'win32' ? 'stop it in the WireGuard window' : `run \`sudo ip link delete ${o.iface}\`` });
  }
}

const exists = (p: string): boolean => {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

async function linux(o: TunnelRemoval, out: Outcome): Promise<void> {
  const root = o.linuxRoot ?? '/';
  const helper = path.join(root, LINUX_HELPER_PATH);
  // A user may see the helper; /etc/sudoers.d and /etc/wireguard are root's alone, so their absence proves nothing.
  const there = o.exists ?? exists;
  const installed = o.isRoot || there(helper) || there(path.join(root, SUDOERS_PATH));
  if (!installed) return;
  if (root === '/') await bringDown(o, out);
  if (!o.isRoot && root === '/') {
    out.left.push({
      what: `the tunnel helper ${LINUX_HELPER_PATH}, its sudoers line ${SUDOERS_PATH} and ${wireguardConfigPath(o.iface)}`,
      // The interface is named: root's own config (another HOME under sudo) may not know it.
      fix: `they need root to remove: run \`sudo jett tunnel uninstall --interface ${o.iface}\` (it removes only the files Jett wrote)`,
    });
    return;
  }
  const r = removeLinuxInstall(o.iface, root);
  out.removed.push(...r.removed);
  for (const k of r.kept) out.left.push({ what: k, fix: 'Jett did not write it, so it was kept: look at it and remove it yourself if it is not needed' });
}

async function windows(o: TunnelRemoval, out: Outcome): Promise<void> {
  const w = o.windows;
  if (!w) return;
  const service = windowsServiceName(o.iface);
  const query = await o.runner.run(w.sc, ['query', service]);
  const serviceThere = query.exitCode !== SC_ERROR.doesNotExist;
  if (!serviceThere && !(o.exists ?? exists)(w.dataDir)) return;
  if (serviceThere) await bringDown(o, out);
  const what = `the tunnel service ${service} and ${w.dataDir}`;
  const code = await w.elevate(elevatedUninstallArgs(o.iface));
  if (code === 0) return void out.removed.push(`${what} (as administrator)`);
  out.left.push({
    what,
    fix: code === ERROR_CANCELLED
      ? 'the Windows prompt was declined: run `jett uninstall` again and choose Yes, or run `jett tunnel uninstall` in a terminal opened as administrator'
      : `the elevated step failed (exit ${code}): run \`jett tunnel uninstall\` in a terminal opened as administrator to see why`,
  });
}

export async function removeTunnel(o: TunnelRemoval): Promise<Outcome> {
  assertInterfaceName(o.iface);
  const out: Outcome = { removed: [], left: [] };
  if (o.platform === 'win32') await windows(o, out);
  else if (o.platform === 'linux') await linux(o, out);
  return out;
}
