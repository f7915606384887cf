// Builds the tunnel from config and secrets: the desktop's wg-quick text, the controller, and the health monitor
// with its probe and repairs. The CLI uses it now; the agent will construct the same pieces.
import path from 'node:path';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { resolveBinary } from '../process/binaries.js';
import type { SecretStore } from '../secrets/store.js';
import { desktopConfig, type TunnelSettings } from './config.js';
import { createTunnelControl, privilegedResolver, type TunnelControl } from './control.js';
import { TunnelConfigError, TunnelError } from './errors.js';
import { TunnelMonitor, type MonitorOptions, type Timers } from './health.js';
import { pingProbe } from './probe.js';
import { KEYS_NEXT, tunnelGap, tunnelReadiness } from './readiness.js';
import { routeLookupFor } from './route-lookup.js';
import { pollRunner } from './poll-runner.js';
import { execaRunner, type ProcessRunner } from './runner.js';
import { createVpsGuard, type VpsGuard } from './vps-guard.js';
import { renderWgConfig } from './wg-config.js';

export interface DesktopTunnelConfig {
  text: string;
  warnings: string[];
  peerPublicKey: string;
  endpoint: string;
}

/** The desktop's wg-quick text from config and the secret store; says which command to run when a piece is missing. */
export async function loadDesktopConfig(settings: TunnelSettings, secrets: SecretStore): Promise<DesktopTunnelConfig> {
  const gap = await tunnelGap(settings, secrets);
  if (gap) throw new TunnelConfigError(`the tunnel is not configured (missing ${gap.missing.join(', ')}): ${gap.headline}`, gap.next);
  const privateKey = await secrets.get('tunnel.privateKey');
  if (!privateKey) throw new TunnelConfigError('this desktop has no WireGuard key yet', KEYS_NEXT);
  const { config, warnings } = desktopConfig({
    privateKey,
    address: settings.address,
    vpsPublicKey: settings.peerPublicKey,
    vpsTunnelAddress: settings.peerAddress,
    endpoint: settings.endpoint,
    keepalive: settings.keepalive,
    presharedKey: await secrets.get('tunnel.presharedKey'),
  });
  return { text: renderWgConfig(config, ['Jett desktop side of the tunnel (written by Jett; mode 0600)']), warnings, peerPublicKey: settings.peerPublicKey, endpoint: settings.endpoint };
}

export interface TunnelControlEnv {
  settings: TunnelSettings;
  home: string;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  runner?: ProcessRunner;
}

/** JETT_TUNNEL_CONTROL=direct|helper overrides the default (direct for root on Linux, helper otherwise). */
export function controlFor(e: TunnelControlEnv): TunnelControl {
  const platform = e.platform ?? process.platform;
  const forced = e.env.JETT_TUNNEL_CONTROL;
  if (forced !== undefined && forced !== 'direct' && forced !== 'helper') {
    throw new TunnelError(`JETT_TUNNEL_CONTROL=${forced.slice(0, 20)} is not direct or helper`, 'unset it, or set it to direct (as root) or helper');
  }
  return createTunnelControl({
    iface: e.settings.interface,
    runner: e.runner ?? execaRunner,
    privateDir: path.join(e.home, 'run'),
    platform,
    resolve: privilegedResolver(platform, e.env),
    ...(forced ? { mode: forced } : {}),
  });
}

export interface MonitorEnv extends TunnelControlEnv {
  control: TunnelControl;
  secrets: SecretStore;
  bus: EventBus;
  logger?: Logger;
  timers?: Timers;
  options?: Partial<MonitorOptions>;
  /** Whether this monitor may re-resolve and restart (the agent and `watch` do; a one-shot status does not). */
  repairs?: boolean;
}

export function monitorFor(e: MonitorEnv): TunnelMonitor {
  const platform = e.platform ?? process.platform;
  const runner = e.runner ?? pollRunner;
  const ping = resolveBinary(platform === 'win32' ? 'ping.exe' : 'ping', { env: e.env, platform });
  const probe = ping
    ? pingProbe({ runner, ping, address: e.settings.peerAddress, platform })
    : async () => ({ ok: false, rttMs: null, error: 'ping not found (install iputils-ping)' });
  return new TunnelMonitor({
    iface: e.settings.interface,
    readiness: () => tunnelReadiness(e.settings, e.secrets),
    status: () => e.control.show(),
    probe,
    bus: e.bus,
    ...(e.logger ? { logger: e.logger } : {}),
    ...(e.timers ? { timers: e.timers } : {}),
    options: { pollMs: e.settings.pollSeconds * 1000, ...e.options },
    repairs: e.repairs === false ? null : {
      reresolve: () => e.control.setEndpoint(e.settings.peerPublicKey, e.settings.endpoint),
      restart: async () => {
        // Read the config again: keys or the peer may have changed since the tunnel came up.
        const { text } = await loadDesktopConfig(e.settings, e.secrets);
        await e.control.down();
        await e.control.up(text);
      },
    },
  });
}

/** The guard every VPS client of the agent and the CLI uses: the route to the VPS must go through tunnel.interface. */
export function vpsGuardFor(settings: Pick<TunnelSettings, 'interface'>, opts: { platform?: NodeJS.Platform; runner?: ProcessRunner; env?: NodeJS.ProcessEnv } = {}): VpsGuard {
  return createVpsGuard({ iface: settings.interface, lookup: routeLookupFor(opts.platform ?? process.platform, opts.runner ?? pollRunner, opts.env ?? process.env) });
}
