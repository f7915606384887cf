// The one way anything leaves the app for the browser: an allowlist of exact origins (n8n and Portainer on the
// VPS's tunnel address, while the tunnel is up). Anything else is refused with the reason.
import type { ExternalTarget } from '../../core/contracts/ipc.js';

export interface OpenExternalDeps {
  /** Electron's shell.openExternal. */
  open(url: string): Promise<void>;
  /** The VPS's tunnel address and whether the tunnel is up right now. */
  tunnel(): Promise<{ peerAddress: string; up: boolean }>;
}

export const EXTERNAL_PORTS: Record<ExternalTarget, number> = { n8n: 5678, portainer: 9000 };

// An IPv4 address or a DNS name: nothing that could carry a path, a port, credentials or another scheme.
const PLAIN_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

export type OpenResult = { opened: boolean; reason: string | null };

export function createOpenExternal(deps: OpenExternalDeps) {
  return async (target: ExternalTarget): Promise<OpenResult> => {
    const port = EXTERNAL_PORTS[target];
    if (port === undefined) return { opened: false, reason: `unknown target ${JSON.stringify(target)}` };
    const { peerAddress, up } = await deps.tunnel();
    if (!up) return { opened: false, reason: `${target} is reachable only through the tunnel, which is not up` };
    // Built from config, then parsed back: the URL that opens is exactly http://<tunnel address>:<port>/.
    const refused = { opened: false, reason: `the VPS tunnel address ${JSON.stringify(peerAddress)} is not a plain host` };
    if (!PLAIN_HOST.test(peerAddress)) return refused;
    const url = new URL(`http://${peerAddress}:${port}/`);
    if (url.hostname !== peerAddress.toLowerCase() || url.port !== String(port) || url.pathname !== '/') return refused;
    // electronegativity review (OPEN_EXTERNAL_JS_CHECK): the URL is built above from the config's tunnel address
    // and a fixed port, never taken from the renderer, and only while the tunnel is up.
    await deps.open(url.toString());
    return { opened: true, reason: null };
  };
}
