// The checklist's first step: is WireGuard itself here, where the privileged setup will look for it? On Windows,
// WireGuard for Windows in the real Program Files\WireGuard (process/privileged-windows.ts: never PATH); on Linux, wg
// and wg-quick in the system folders and a way to run the tunnel (the kernel module or wireguard-go).
import nodeFs from 'node:fs';
import { errorMessage } from '../contracts/errors.js';
import { resolveWindowsPrivileged, type WinTrustFs } from '../process/privileged-windows.js';
import { resolvePrivileged } from '../process/privileged.js';
import { WIREGUARD_WINDOWS_INSTALLER, type SetupFacts } from './checklist.js';

export interface WireguardProbe {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Windows: the file system the privileged lookup checks (tests replay a Windows tree). */
  winFs?: WinTrustFs;
  /** Linux: a program in the system folders, or null (default: the privileged lookup). */
  resolve?: (name: string) => string | null;
  /** Linux: whether the kernel module is loaded (default: /sys/module/wireguard exists). */
  kernelModule?: () => boolean;
}

export function findWireguard(p: WireguardProbe): SetupFacts['wireguard'] {
  if (p.platform === 'win32') {
    const fsx = p.winFs ?? (nodeFs as unknown as WinTrustFs);
    try {
      const wireguard = resolveWindowsPrivileged('wireguard.exe', p.env, fsx);
      resolveWindowsPrivileged('wg.exe', p.env, fsx);
      return { found: true, where: wireguard };
    } catch (err) {
      return { found: false, missing: `WireGuard for Windows (${errorMessage(err)})`, install: { kind: 'link', url: WIREGUARD_WINDOWS_INSTALLER } };
    }
  }
  const resolve = p.resolve ?? ((name: string) => resolvePrivileged(name));
  const kernel = (p.kernelModule ?? (() => nodeFs.existsSync('/sys/module/wireguard')))();
  const wg = resolve('wg');
  const wgQuick = resolve('wg-quick');
  const userspace = kernel ? null : resolve('wireguard-go');
  const packages: string[] = [];
  if (!wg || !wgQuick) packages.push('wireguard-tools');
  if (!kernel && !userspace) packages.push('wireguard-go');
  if (packages.length === 0) return { found: true, where: `${wgQuick} with ${kernel ? 'the kernel module' : userspace}` };
  const missing = [!wg ? 'wg' : null, !wgQuick ? 'wg-quick' : null, !kernel && !userspace ? 'the kernel module or wireguard-go' : null].filter(Boolean).join(', ');
  return { found: false, missing, install: { kind: 'command', text: `sudo apt-get install ${packages.join(' ')}` } };
}
