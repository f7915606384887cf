// Whether the tunnel the privileged setup installed (root-owned, which no later setting reaches) still matches the
// saved settings: the unprivileged side records a fingerprint of what it handed over, and compares it later.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TunnelSetupStatus } from '../contracts/status.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { SecretStore } from '../secrets/store.js';
import type { TunnelSettings } from './config.js';
import { TunnelConfigError } from './errors.js';
import { loadDesktopConfig } from './setup.js';

const RecordSchema = z.object({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/), recordedAt: z.string() });

export function installedRecordPath(home: string): string {
  return path.join(home, 'tunnel-installed.json');
}

/**
 * A digest of the wg-quick text the setup installs. It holds no secret: the text's keys are 32 random bytes, which a
 * SHA-256 does not give back, and the file is owner-only anyway.
 */
export function tunnelFingerprint(configText: string): string {
  return createHash('sha256').update('jett-installed-tunnel/1\n').update(configText).digest('hex');
}

/** Called by the user's side when it hands the setup over (`--handoff`, `--elevate`, the window's button). */
export function recordInstalledTunnel(home: string, configText: string, at: Date = new Date()): void {
  writeFileAtomic(installedRecordPath(home), `${JSON.stringify({ fingerprint: tunnelFingerprint(configText), recordedAt: at.toISOString() })}\n`, 0o600);
}

function readRecord(home: string): z.infer<typeof RecordSchema> | null {
  try {
    return RecordSchema.parse(JSON.parse(fs.readFileSync(installedRecordPath(home), 'utf8')));
  } catch {
    return null;
  }
}

/** Root on Linux (or JETT_TUNNEL_CONTROL=direct) runs wg-quick itself from the settings; everyone else the installed setup. */
export function managesTunnelDirectly(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (env.JETT_TUNNEL_CONTROL === 'direct') return true;
  if (env.JETT_TUNNEL_CONTROL === 'helper') return false;
  return platform !== 'win32' && process.getuid?.() === 0;
}

/** What runs the setup again, from a terminal (the window's Windows button runs the same elevated step). */
export function tunnelSetupCommand(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32'
    ? '`jett tunnel install --elevate` (or Settings > Tunnel > Set up the tunnel)'
    : '`jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin`';
}

export interface SetupCheck {
  home: string;
  settings: TunnelSettings;
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** Null when there is nothing to compare: the agent manages the tunnel itself, or the tunnel is not configured yet. */
export async function tunnelSetupStatus(c: SetupCheck): Promise<TunnelSetupStatus | null> {
  const platform = c.platform ?? process.platform;
  if (managesTunnelDirectly(c.env, platform)) return null;
  let text: string;
  try {
    text = (await loadDesktopConfig(c.settings, c.secrets)).text;
  } catch (err) {
    if (err instanceof TunnelConfigError) return null;
    throw err;
  }
  const record = readRecord(c.home);
  const fix = `run the tunnel setup again: ${tunnelSetupCommand(platform)}`;
  if (!record) return { state: 'unknown', message: 'no tunnel setup is recorded for these settings (none yet, or one from an earlier version of Jett)', fix };
  if (record.fingerprint === tunnelFingerprint(text)) return { state: 'current', message: `the installed tunnel matches the settings (set up ${record.recordedAt})`, fix: null };
  return { state: 'outdated', message: `the running tunnel uses older settings (set up ${record.recordedAt}): a key, the peer or the endpoint changed since`, fix };
}

/**
 * The installed setup matches, but the interface that runs may have come up before it was installed again (Linux:
 * the setup writes the file and leaves a running interface as it is): its peer tells.
 */
export function withLivePeer(status: TunnelSetupStatus | null, livePeerKey: string | null, settings: Pick<TunnelSettings, 'peerPublicKey'>): TunnelSetupStatus | null {
  if (status?.state !== 'current' || livePeerKey === null || livePeerKey === settings.peerPublicKey) return status;
  return {
    state: 'outdated',
    message: 'the running tunnel still uses the old peer: the setup installed the new settings, but the interface has not restarted since',
    fix: 'reconnect: `jett tunnel down && jett tunnel up` (or Disconnect, then Connect)',
  };
}
