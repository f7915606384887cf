// Parses `wg show IF dump`. Line 1 describes the interface and carries its private key: it is dropped unread.
import { TunnelError } from './errors.js';

export interface PeerStatus {
  publicKey: string;
  hasPresharedKey: boolean;
  endpoint: string | null;
  allowedIPs: string[];
  /** Unix seconds of the last handshake; 0 when there was none. */
  latestHandshake: number;
  rxBytes: number;
  txBytes: number;
  keepalive: number | null;
}

export interface InterfaceStatus {
  name: string;
  peers: PeerStatus[];
}

function int(field: string, what: string): number {
  if (!/^\d+$/.test(field)) throw new TunnelError(`wg show dump: ${what} ${JSON.stringify(field.slice(0, 20))} is not a number`, 'update wireguard-tools; this output format is not one Jett knows');
  return Number(field);
}

/** Parses peer lines only (8 tab-separated fields each), as printed after the interface line. */
export function parsePeerLines(text: string): PeerStatus[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0)
    .map((line) => {
      const f = line.split('\t');
      if (f.length !== 8) {
        // Never quote the line: a misplaced interface line would hold a private key.
        throw new TunnelError(`wg show dump: a peer line has ${f.length} fields, expected 8`, 'update wireguard-tools; this output format is not one Jett knows');
      }
      return {
        publicKey: f[0]!,
        hasPresharedKey: f[1] !== '(none)',
        endpoint: f[2] === '(none)' ? null : f[2]!,
        allowedIPs: f[3] === '(none)' ? [] : f[3]!.split(','),
        latestHandshake: int(f[4]!, 'latest handshake'),
        rxBytes: int(f[5]!, 'rx bytes'),
        txBytes: int(f[6]!, 'tx bytes'),
        keepalive: f[7] === 'off' ? null : int(f[7]!, 'keepalive'),
      };
    });
}

/** Parses the full output of `wg show IF dump`, discarding its first line (the interface's private key). */
export function parseWgDump(name: string, text: string): InterfaceStatus {
  const newline = text.indexOf('\n');
  return { name, peers: newline < 0 ? [] : parsePeerLines(text.slice(newline + 1)) };
}
