// The Tunnel tab's work, done in main over core's keys (tunnel/desktop-keys.ts) and .conf import (tunnel/conf-import.ts):
// the window's view of the keys, the VPS-side [Peer] block and its QR code. The window gets public fields only.
import QRCode from 'qrcode';
import type { TunnelKeysView } from '../core/contracts/ipc.js';
import type { ConfigStore } from '../core/config/store.js';
import type { SecretStore } from '../core/secrets/store.js';
import { renderVpsPeerBlock } from '../core/tunnel/config.js';
import { desktopKeys, generateDesktopKeys, vpsPeerInput } from '../core/tunnel/desktop-keys.js';

// The import itself is core's, shared with `jett tunnel import`; the handlers and the shell take it from here.
export { importConf, readConfFile } from '../core/tunnel/conf-import.js';

export interface TunnelSettingsDeps {
  secrets: SecretStore;
  config: ConfigStore;
}

export async function keysView(secrets: SecretStore): Promise<TunnelKeysView | null> {
  const keys = await desktopKeys(secrets);
  return keys && { publicKey: keys.publicKey, fingerprint: keys.fingerprint, privateKeyStored: true, presharedKeyStored: keys.presharedKeyStored };
}

/** Makes a new key pair; an existing one is replaced only when asked (the VPS must then learn the new public key). */
export async function generateKeys(deps: TunnelSettingsDeps, replace: boolean): Promise<void> {
  await generateDesktopKeys(deps.secrets, { replace, presharedKey: false, howToReplace: 'choose "Replace keys" if you mean it, then give the VPS the new [Peer] block' });
}

export interface PeerBlocks {
  /** With the preshared key: for the clipboard, written by main. */
  full: string;
  /** Without it: what the window shows and the QR code holds. */
  shown: string;
  presharedKeyOmitted: boolean;
}

export async function peerBlocks(deps: TunnelSettingsDeps): Promise<PeerBlocks> {
  const input = await vpsPeerInput(deps.secrets, deps.config.load().tunnel, 'generate keys or import a .conf on the Tunnel tab first');
  const shown = renderVpsPeerBlock({ ...input, presharedKey: null });
  return { full: input.presharedKey ? renderVpsPeerBlock(input) : shown, shown, presharedKeyOmitted: input.presharedKey !== null };
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
