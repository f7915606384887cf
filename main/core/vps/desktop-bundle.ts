// The VPS bundle as this desktop makes it: the defaults `jett vps bundle` and the window's setup share (placeholder
// Cloudflare hostnames, this machine's time zone, daily backups kept 14 days, the backup key in JETT_HOME), so the
// command line and the window write the same folder and store the same secrets in the one store.
import path from 'node:path';
import type { Config } from '../contracts/config.js';
import type { VpsBundleReport } from '../contracts/vps.js';
import type { SecretStore } from '../secrets/store.js';
import { VpsBundleError, writeVpsBundle, type BundleOptions } from './bundle.js';

export const PLACEHOLDER_N8N = 'n8n.example.org';
export const PLACEHOLDER_PORTAINER = 'portainer.example.org';

export interface DesktopBundleInput {
  outDir: string;
  force: boolean;
  config: Config;
  secrets: SecretStore;
  /** JETT_HOME: the backups' private key is kept there. */
  home: string;
  n8nHostname?: string;
  portainerHostname?: string;
  timezone?: string;
  backup?: { intervalHours: number; keepDays: number };
  backupRecipient?: string;
  publishEditor?: boolean;
  publishPortainer?: boolean;
  access?: BundleOptions['access'];
}

/** This machine's time zone name, as the services on the VPS should use it. */
export function localTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export async function writeDesktopBundle(input: DesktopBundleInput): Promise<VpsBundleReport> {
  const timezone = input.timezone ?? localTimezone();
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(timezone)) throw new VpsBundleError(`--timezone ${JSON.stringify(timezone)} is not a time zone name`, 'e.g. --timezone Europe/Berlin or --timezone UTC');
  return writeVpsBundle({
    outDir: input.outDir,
    force: input.force,
    config: input.config,
    secrets: input.secrets,
    n8nHostname: input.n8nHostname ?? PLACEHOLDER_N8N,
    portainerHostname: input.portainerHostname ?? PLACEHOLDER_PORTAINER,
    publishEditor: input.publishEditor ?? false,
    publishPortainer: input.publishPortainer ?? false,
    access: input.access ?? null,
    backupIdentityFile: path.join(input.home, 'backup-identity.txt'),
    ...(input.backupRecipient === undefined ? {} : { backupRecipient: input.backupRecipient }),
    timezone,
    backup: input.backup ?? { intervalHours: 24, keepDays: 14 },
  });
}
