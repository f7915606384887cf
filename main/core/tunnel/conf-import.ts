// Importing the desktop side's wg-quick file (the Tunnel tab's "Import .conf", `jett tunnel import FILE`): the file
// read safely, checked whole, then keys to the secret store and public fields to config.json, or nothing at all.
import fs from 'node:fs';
import type { ConfigStore } from '../config/store.js';
import { configIssues, writeConfigValues, type ConfigValues } from '../config/values.js';
import { notAFile, openRegularFile } from '../fs/regular-file.js';
import type { SecretStore } from '../secrets/store.js';
import { TunnelConfigError } from './errors.js';
import { checkWgConfig, parseWgConfig } from './wg-config.js';

/** A wg-quick file is a few hundred bytes; anything past this is not one. */
export const MAX_CONF_BYTES = 64 * 1024;

const CHOOSE_CONF = 'choose the .conf file of the desktop side of the tunnel';

/** Reads the chosen file: a regular file of at most MAX_CONF_BYTES, never a FIFO or device it would hang on. */
export function readConfFile(file: string): string {
  let opened;
  try {
    opened = openRegularFile(file);
  } catch (err) {
    throw new TunnelConfigError(`cannot open ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, CHOOSE_CONF);
  }
  if (opened === null) throw new TunnelConfigError(`${file} does not exist`, CHOOSE_CONF);
  if (opened.kind !== 'file') throw new TunnelConfigError(notAFile(file, opened.kind), CHOOSE_CONF);
  try {
    if (opened.size > MAX_CONF_BYTES) throw new TunnelConfigError(`${file} is larger than ${MAX_CONF_BYTES} bytes: not a WireGuard config`, CHOOSE_CONF);
    return fs.readFileSync(opened.fd, 'utf8');
  } finally {
    fs.closeSync(opened.fd);
  }
}

/** What an import took in: public fields only. */
export interface ImportedConf {
  file: string;
  address: string;
  peerPublicKey: string;
  peerAddress: string;
  endpoint: string;
  keepalive: number | null;
  warnings: string[];
}

export interface ConfImportDeps {
  secrets: SecretStore;
  config: ConfigStore;
}

function bareHost(cidr: string): string {
  return cidr.replace(/\/(32|128)$/, '');
}

/** Takes a desktop wg-quick file: keys to the secret store, public fields to config.json. */
export async function importConf(deps: ConfImportDeps, file: string, text: string): Promise<ImportedConf> {
  if (Buffer.byteLength(text) > MAX_CONF_BYTES) {
    throw new TunnelConfigError(`${file} is larger than ${MAX_CONF_BYTES} bytes: not a WireGuard config`, CHOOSE_CONF);
  }
  let cfg;
  try {
    cfg = parseWgConfig(text);
  } catch (err) {
    if (err instanceof TunnelConfigError) throw new TunnelConfigError(`${file}: ${err.message}`, err.fix);
    throw err;
  }
  const { warnings } = checkWgConfig(cfg, 'desktop');
  if (cfg.peers.length !== 1) {
    throw new TunnelConfigError(`${file} has ${cfg.peers.length} [Peer] sections; Jett's tunnel has exactly one, the VPS`, 'import the file made for the Jett tunnel, or keep only the VPS peer');
  }
  const peer = cfg.peers[0]!;
  const address = cfg.interface.addresses.find((a) => a.includes('.') && a.includes('/'));
  const peerRoute = peer.allowedIPs.find((a) => /\/32$/.test(a));
  if (!address) throw new TunnelConfigError(`${file}: the [Interface] has no IPv4 Address with a prefix`, 'add e.g. Address = 10.0.0.1/24');
  if (!peerRoute) throw new TunnelConfigError(`${file}: the [Peer] has no AllowedIPs of one IPv4 host (/32), the VPS's tunnel address`, 'set AllowedIPs = 10.0.0.2/32');
  const imported: ImportedConf = {
    file,
    address,
    peerPublicKey: peer.publicKey,
    peerAddress: bareHost(peerRoute),
    endpoint: peer.endpoint ?? '',
    keepalive: peer.persistentKeepalive,
    warnings,
  };
  // The whole file is checked first: nothing is stored from a file that fails halfway.
  const values: ConfigValues = {
    'tunnel.address': imported.address,
    'tunnel.peerAddress': imported.peerAddress,
    'tunnel.peerPublicKey': imported.peerPublicKey,
    'tunnel.endpoint': imported.endpoint,
  };
  if (imported.keepalive !== null) values['tunnel.keepalive'] = imported.keepalive;
  const issues = configIssues(deps.config, values);
  if (issues.length > 0) throw new TunnelConfigError(`${file}: ${issues[0]!.path}: ${issues[0]!.message}`, 'correct that line of the file, or import the file made for the Jett tunnel');
  await deps.secrets.set('tunnel.privateKey', cfg.interface.privateKey!);
  if (peer.presharedKey) await deps.secrets.set('tunnel.presharedKey', peer.presharedKey);
  else await deps.secrets.delete('tunnel.presharedKey');
  writeConfigValues(deps.config, values);
  return imported;
}
