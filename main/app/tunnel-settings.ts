// The Tunnel tab's work, done in main: generate keys, import a wg-quick file, build the VPS-side [Peer] block and
// its QR code. Private and preshared keys go to the secret store; the window gets public fields only.
import fs from 'node:fs';
import QRCode from 'qrcode';
import type { TunnelKeysView } from '../core/contracts/ipc.js';
import type { ConfigStore } from '../core/config/store.js';
import type { SecretStore } from '../core/secrets/store.js';
import { desktopHostOf, renderVpsPeerBlock } from '../core/tunnel/config.js';
import { notAFile, openRegularFile } from '../core/fs/regular-file.js';
import { TunnelConfigError } from '../core/tunnel/errors.js';
import { fingerprint, generateKeyPair, publicKeyOf } from '../core/tunnel/keys.js';
import { checkWgConfig, parseWgConfig } from '../core/tunnel/wg-config.js';
import { applyConfigValues, checkConfigValues, type ConfigValues } from './config-edits.js';

/** A wg-quick file is a few hundred bytes; anything past this is not one. */
export const MAX_CONF_BYTES = 64 * 1024;

const CHOOSE_CONF = 'choose the .conf file of the desktop side of the tunnel';

/** Reads the file the user chose: a regular file of at most MAX_CONF_BYTES, never a FIFO or device it would hang on. */
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

export interface TunnelSettingsDeps {
  secrets: SecretStore;
  config: ConfigStore;
}

export async function keysView(secrets: SecretStore): Promise<TunnelKeysView | null> {
  const privateKey = await secrets.get('tunnel.privateKey');
  if (!privateKey) return null;
  const publicKey = publicKeyOf(privateKey);
  return { publicKey, fingerprint: fingerprint(publicKey), privateKeyStored: true, presharedKeyStored: (await secrets.get('tunnel.presharedKey')) !== null };
}

/** Makes a new key pair; an existing one is replaced only when asked (the VPS must then learn the new public key). */
export async function generateKeys(deps: TunnelSettingsDeps, replace: boolean): Promise<void> {
  if (!replace && (await deps.secrets.get('tunnel.privateKey'))) {
    throw new TunnelConfigError(
      'a private key is already stored; generating another would cut this desktop off from the VPS',
      'choose "Replace keys" if you mean it, then give the VPS the new [Peer] block',
    );
  }
  await deps.secrets.set('tunnel.privateKey', generateKeyPair().privateKey);
}

export interface ImportedConf {
  file: string;
  address: string;
  peerPublicKey: string;
  peerAddress: string;
  endpoint: string;
  keepalive: number | null;
  warnings: string[];
}

function bareHost(cidr: string): string {
  return cidr.replace(/\/(32|128)$/, '');
}

/** Takes a desktop wg-quick file: keys to the secret store, public fields to config.json. */
export async function importConf(deps: TunnelSettingsDeps, file: string, text: string): Promise<ImportedConf> {
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
  // The whole file was checked first: nothing is stored from a file that fails halfway.
  const values: ConfigValues = {
    'tunnel.address': imported.address,
    'tunnel.peerAddress': imported.peerAddress,
    'tunnel.peerPublicKey': imported.peerPublicKey,
    'tunnel.endpoint': imported.endpoint,
  };
  if (imported.keepalive !== null) values['tunnel.keepalive'] = imported.keepalive;
  checkConfigValues(deps.config, values);
  await deps.secrets.set('tunnel.privateKey', cfg.interface.privateKey!);
  if (peer.presharedKey) await deps.secrets.set('tunnel.presharedKey', peer.presharedKey);
  else await deps.secrets.delete('tunnel.presharedKey');
  applyConfigValues(deps.config, values);
  return imported;
}

export interface PeerBlocks {
  /** With the preshared key: for the clipboard, written by main. */
  full: string;
  /** Without it: what the window shows and the QR code holds. */
  shown: string;
  presharedKeyOmitted: boolean;
}

export async function peerBlocks(deps: TunnelSettingsDeps): Promise<PeerBlocks> {
  const keys = await keysView(deps.secrets);
  if (!keys) throw new TunnelConfigError('there are no tunnel keys yet', 'generate keys or import a .conf on the Tunnel tab first');
  const desktopTunnelAddress = desktopHostOf(deps.config.load().tunnel);
  const presharedKey = await deps.secrets.get('tunnel.presharedKey');
  const shown = renderVpsPeerBlock({ desktopPublicKey: keys.publicKey, desktopTunnelAddress, presharedKey: null });
  const full = presharedKey ? renderVpsPeerBlock({ desktopPublicKey: keys.publicKey, desktopTunnelAddress, presharedKey }) : shown;
  return { full, shown, presharedKeyOmitted: presharedKey !== null };
}

/** The QR code's modules as rows of "0"/"1": the window draws them itself (no data: URLs under its CSP). */
export function qrRows(text: string): { size: number; rows: string[] } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const rows: string[] = [];
  for (let y = 0; y < size; y++) {
    let row = '';
    for (let x = 0; x < size; x++) row += qr.modules.get(y, x) ? '1' : '0';
    rows.push(row);
  }
  return { size, rows };
}
