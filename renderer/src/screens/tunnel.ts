// Tunnel: the desktop's keys (public key and fingerprint only; the private key stays in main), importing a
// wg-quick file, the tunnel settings, the VPS-side [Peer] block with its QR code, and the one-time privileged setup.
import type { PeerBlockView, SettingsView } from '../../../main/core/contracts/ipc.js';
import { api, unwrap } from '../bridge.js';
import { h } from '../dom.js';
import { sectionForm, type FieldSpec } from '../form.js';
import type { Store } from '../state.js';
import { fail, say } from '../toast.js';

const FIELDS: FieldSpec[] = [
  { key: 'endpoint', label: 'VPS endpoint', kind: 'text', placeholder: 'vps.example.org:51820', help: 'The VPS public HOST:PORT' },
  { key: 'peerPublicKey', label: 'VPS public key', kind: 'text', help: 'On the VPS: wg show wg0 public-key' },
  { key: 'address', label: 'Desktop tunnel address', kind: 'text', help: 'With prefix, e.g. 10.0.0.1/24' },
  { key: 'peerAddress', label: 'VPS tunnel address', kind: 'text', help: 'Probed for health, e.g. 10.0.0.2' },
  { key: 'keepalive', label: 'Persistent keepalive (s)', kind: 'number', help: '25 keeps the NAT mapping open' },
  { key: 'listenPort', label: 'VPS listen port', kind: 'number' },
];

/** Draws the QR code's modules on a canvas (no data: URL is allowed by the CSP). */
function qrCanvas(qr: PeerBlockView['qr']): HTMLCanvasElement {
  const scale = 5;
  const quiet = 4;
  const side = (qr.size + quiet * 2) * scale;
  const canvas = h('canvas', { width: side, height: side, id: 'peer-qr', 'aria-label': 'QR code of the [Peer] block' });
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, side, side);
  ctx.fillStyle = '#000';
  qr.rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) if (row[x] === '1') ctx.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
  });
  return canvas;
}

/** Said once, when a save leaves the installed tunnel setup behind the settings (not root: Linux helper, Windows service). */
export const SETUP_AGAIN = 'Saved. The tunnel runs from what the privileged setup installed, which these settings no longer match: run the setup again (Privileged setup, below)';

export function tunnelScreen(store: Store): HTMLElement {
  const { settings } = store.state;
  const saved = (view: SettingsView, what: string) => {
    store.setSettings(view);
    say(view.needsTunnelSetup ? SETUP_AGAIN : what);
  };
  const keys = settings.keys;
  const peerArea = h('div', { id: 'peer-area' });
  let confirmReplace = false;

  const generate = h('button', { class: keys ? '' : 'primary', id: 'generate-keys' }, keys ? 'Replace keys…' : 'Generate keys');
  generate.addEventListener('click', async () => {
    if (keys && !confirmReplace) {
      confirmReplace = true;
      generate.textContent = 'Click again: the VPS must then get the new [Peer] block';
      generate.classList.add('danger');
      return;
    }
    try {
      saved(await unwrap(api().tunnel.generateKeys(Boolean(keys))), 'New keys generated; the private key is stored by main and never shown');
    } catch (err) {
      fail(err);
    }
  });

  const importBtn = h('button', { id: 'import-conf' }, 'Import a .conf…');
  importBtn.addEventListener('click', async () => {
    try {
      const r = await unwrap(api().tunnel.importConf());
      if (r.canceled) return;
      saved(r.settings, `Imported ${r.imported.file}${r.imported.warnings.length ? ` (warning: ${r.imported.warnings.join('; ')})` : ''}`);
    } catch (err) {
      fail(err);
    }
  });

  const showPeer = h('button', { id: 'show-peer', disabled: !keys }, 'Show the VPS [Peer] block and QR code');
  showPeer.addEventListener('click', async () => {
    try {
      const block = await unwrap(api().tunnel.peerBlock());
      const peer = h('div', { class: 'peer' }, h('pre', { id: 'peer-text' }, block.text), qrCanvas(block.qr));
      const note = h('div', { class: 'warning' }, 'A preshared key is set: it is not shown here or in the QR code. "Copy" puts the full block, with it, on the clipboard.');
      peerArea.replaceChildren(...(block.presharedKeyOmitted ? [peer, note] : [peer]));
    } catch (err) {
      fail(err);
    }
  });
  const copyPeer = h('button', { id: 'copy-peer', disabled: !keys }, 'Copy the [Peer] block');
  copyPeer.addEventListener('click', async () => {
    try {
      const r = await unwrap(api().tunnel.copyPeerBlock());
      say(r.presharedKeyIncluded ? 'Copied, with the preshared key: paste it only into the VPS wg0.conf' : 'Copied: paste it into the VPS wg0.conf');
    } catch (err) {
      fail(err);
    }
  });
  const copyKey = h('button', { id: 'copy-public-key', class: 'small' }, 'Copy');
  copyKey.addEventListener('click', async () => {
    try {
      await unwrap(api().tunnel.copyPublicKey());
      say('Public key copied');
    } catch (err) {
      fail(err);
    }
  });

  // Windows: the privileged setup runs through Windows' consent prompt (UAC), once per change of keys or peer.
  const setup = h('button', { id: 'tunnel-setup', disabled: !keys }, 'Set up the tunnel service (asks for administrator rights)');
  setup.addEventListener('click', async () => {
    try {
      await unwrap(api().tunnel.setup());
      say('Tunnel service set up: sign out of Windows and in again, then connect');
    } catch (err) {
      fail(err);
    }
  });

  const form = sectionForm(settings.config, 'tunnel', FIELDS, async (values) => {
    try {
      saved(await unwrap(api().settings.save('tunnel', values)), 'Tunnel settings saved');
    } catch (err) {
      fail(err);
    }
  });

  return h(
    'section',
    { class: 'screen', id: 'screen-tunnel' },
    h('h1', {}, 'Tunnel'),
    h(
      'div',
      { class: 'card', id: 'keys-card' },
      h('h2', {}, 'This desktop\'s keys'),
      keys
        ? h(
            'div',
            {},
            h('div', { class: 'kv' }, h('span', { class: 'k' }, 'Public key'), h('code', { id: 'public-key' }, keys.publicKey), copyKey),
            h('div', { class: 'kv' }, h('span', { class: 'k' }, 'Fingerprint'), h('code', { id: 'fingerprint' }, keys.fingerprint)),
            h('div', { class: 'kv' }, h('span', { class: 'k' }, 'Private key'), h('span', { class: 'pill up', id: 'private-key-state' }, 'private key stored')),
            keys.presharedKeyStored ? h('div', { class: 'kv' }, h('span', { class: 'k' }, 'Preshared key'), h('span', { class: 'pill up' }, 'stored')) : null,
          )
        : h('p', { id: 'no-keys' }, 'No keys yet. Generate a pair here, or import the desktop .conf you already have.'),
      h('div', { class: 'actions' }, generate, importBtn),
      h('div', { class: 'help' }, settings.secretStore.note),
    ),
    h('div', {}, h('h2', { class: 'section-title' }, 'Connection'), form.element),
    h(
      'div',
      { class: 'card', id: 'setup-card' },
      h('h2', {}, 'Privileged setup'),
      h('p', {}, 'Once, and again after new keys or a new peer: Windows asks for an administrator\'s consent, installs WireGuard\'s tunnel service and lets you start and stop it. On Linux, run `sudo npx jett tunnel install` in a terminal.'),
      h('div', { class: 'actions' }, setup),
    ),
    h('div', { class: 'card' }, h('h2', {}, 'The VPS side'), h('p', {}, 'The VPS wg0.conf needs a [Peer] block naming this desktop.'), h('div', { class: 'actions' }, showPeer, copyPeer), peerArea),
  );
}
