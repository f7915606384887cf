// Reads what the VPS's install.sh printed at its end (resources/vps/install.sh, "on the desktop, run:" and then
// `jett tunnel peer --public-key KEY --endpoint HOST:PORT`): the user pastes its whole output or that one line, and
// the window stores the VPS's public key and address without a terminal. Anything else is refused, saying why.
import { JettError } from '../errors.js';
import { parseEndpoint } from '../tunnel/wg-config.js';

export class VpsPeerTextError extends JettError {}

/** install.sh's placeholder when it could not guess its own public address. */
export const UNKNOWN_ADDRESS = 'THIS_VPS_PUBLIC_IP';

const PEER_LINE = /^\s*(?:npx\s+)?jett\s+tunnel\s+peer\s+--public-key\s+(\S+)\s+--endpoint\s+(\S+)\s*$/;
const KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const PASTE_FIX = 'paste the line install.sh printed last on the VPS: jett tunnel peer --public-key KEY --endpoint HOST:51820';

export interface PastedPeer {
  publicKey: string;
  endpoint: string;
}

export function parseInstallOutput(text: string): PastedPeer {
  const found = new Map<string, PastedPeer>();
  for (const line of text.split(/\r?\n/)) {
    const m = PEER_LINE.exec(line);
    if (m) found.set(`${m[1]} ${m[2]}`, { publicKey: m[1]!, endpoint: m[2]! });
  }
  if (found.size === 0) {
    // Never quote the input back: a user may paste the wrong thing, a private key among them.
    throw new VpsPeerTextError('the pasted text has no `jett tunnel peer --public-key ... --endpoint ...` line', PASTE_FIX);
  }
  if (found.size > 1) throw new VpsPeerTextError(`the pasted text has ${found.size} different \`jett tunnel peer\` lines`, 'paste the output of one run of install.sh (the last one)');
  const peer = [...found.values()][0]!;
  if (!KEY.test(peer.publicKey)) throw new VpsPeerTextError('the --public-key in the pasted line is not a WireGuard public key (44 characters ending in =)', PASTE_FIX);
  if (peer.endpoint.startsWith(`${UNKNOWN_ADDRESS}:`)) {
    throw new VpsPeerTextError("install.sh could not tell the VPS's public address, so the line says THIS_VPS_PUBLIC_IP", "replace THIS_VPS_PUBLIC_IP with the VPS's public IP address or host name (your provider's panel shows it), then save again");
  }
  const ep = parseEndpoint(peer.endpoint);
  if (!ep) throw new VpsPeerTextError(`the --endpoint ${JSON.stringify(peer.endpoint.slice(0, 80))} is not HOST:PORT`, 'e.g. --endpoint 203.0.113.7:51820');
  return peer;
}
