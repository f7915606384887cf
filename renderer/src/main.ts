// The settings and status window: a sidebar of screens over the state main sends; re-rendered from that state.
import './zod-csp.js';
import './styles.css';
import type { StatusView } from '../../main/core/contracts/ipc.js';
import { api, unwrap } from './bridge.js';
import { h } from './dom.js';
import { historyScreen } from './screens/history.js';
import { memoryScreen } from './screens/memory.js';
import { microphoneScreen } from './screens/microphone.js';
import { modelsScreen, trackPullProgress } from './screens/models.js';
import { servicesScreen } from './screens/services.js';
import { setupScreen } from './screens/setup.js';
import { statusScreen } from './screens/status.js';
import { tunnelScreen } from './screens/tunnel.js';
import { voiceScreen } from './screens/voice.js';
import { Store } from './state.js';
import { fail, toastArea } from './toast.js';

type ScreenId = 'setup' | 'status' | 'tunnel' | 'services' | 'voice' | 'microphone' | 'history' | 'memory' | 'models';
const SCREENS: Array<[ScreenId, string]> = [
  ['setup', 'Setup'],
  ['status', 'Status'],
  ['tunnel', 'Tunnel'],
  ['services', 'VPS services'],
  ['voice', 'Voice'],
  ['microphone', 'Microphone'],
  ['history', 'History'],
  ['memory', 'Memory'],
  ['models', 'Models'],
];

function summary(status: StatusView): HTMLElement {
  const t = status.snapshot.tunnel.state;
  return h(
    'div',
    { class: 'summary', id: 'summary' },
    h('div', {}, h('span', { class: `dot ${t}` }), `Tunnel ${t === 'unconfigured' ? 'not configured' : t}`),
    h('div', {}, `${status.snapshot.outbox.pending} waiting · voice ${status.snapshot.voice.state}`),
  );
}

async function boot(root: HTMLElement): Promise<void> {
  const [settings, status, setup] = await Promise.all([unwrap(api().settings.get()), unwrap(api().status.get()), unwrap(api().setup.get())]);
  const store = new Store({ settings, status });
  // A first run (any step left) opens on the checklist; afterwards on the status.
  let current: ScreenId = (location.hash.slice(1) as ScreenId) || (setup.next === null ? 'status' : 'setup');
  if (!SCREENS.some(([id]) => id === current)) current = 'status';

  const nav = h('nav', { class: 'nav' });
  const header = h('div', { class: 'brand' }, h('div', { class: 'logo' }, 'Jett'), summary(status));
  const main = h('main', { class: 'content' });
  const toast = toastArea();
  root.replaceChildren(h('aside', { class: 'sidebar' }, header, nav), h('div', { class: 'body' }, main, toast));

  // What the shown screen must stop when another replaces it (the microphone test).
  let leave: (() => void) | null = null;
  const render = () => {
    const s = store.state;
    leave?.();
    leave = null;
    nav.replaceChildren(
      ...SCREENS.map(([id, label]) =>
        h('button', { class: `nav-item ${id === current ? 'active' : ''}`, id: `nav-${id}`, 'aria-current': id === current ? 'page' : undefined, onclick: () => show(id) }, label),
      ),
    );
    header.replaceChildren(h('div', { class: 'logo' }, 'Jett'), summary(s.status));
    const screen =
      current === 'setup'
        ? setupScreen({ store, navigate: (id) => show(id) })
        : current === 'status'
        ? statusScreen(store)
        : current === 'tunnel'
          ? tunnelScreen(store)
          : current === 'services'
            ? servicesScreen(store)
            : current === 'voice'
              ? voiceScreen(store)
              : current === 'microphone'
                ? microphoneScreen(store, (stop) => (leave = stop))
                : current === 'history'
                ? historyScreen()
                : current === 'memory'
                  ? memoryScreen()
                  : modelsScreen(s.settings.config);
    main.replaceChildren(screen);
  };
  const show = (id: ScreenId) => {
    current = id;
    history.replaceState(null, '', `#${id}`);
    render();
  };

  let last = store.state;
  store.subscribe(() => {
    const next = store.state;
    const settingsChanged = next.settings !== last.settings;
    const hotkeyChanged = JSON.stringify(next.status.hotkey) !== JSON.stringify(last.status.hotkey);
    const tunnelChanged = next.status.snapshot.tunnel.state !== last.status.snapshot.tunnel.state;
    last = next;
    // Status pushes must not wipe what the user is typing: only the status screen follows every update (the
    // checklist follows the tunnel's state; it keeps its pasted text across a redraw).
    if (settingsChanged || current === 'status' || (current === 'voice' && hotkeyChanged) || (current === 'setup' && tunnelChanged)) render();
    else header.replaceChildren(h('div', { class: 'logo' }, 'Jett'), summary(next.status));
  });
  api().status.onChange((s) => store.setStatus(s));
  api().models.onProgress(trackPullProgress);
  window.addEventListener('pagehide', () => leave?.());
  render();
}

const root = document.getElementById('app')!;
boot(root).catch((err) => {
  root.replaceChildren(h('div', { class: 'fatal' }, h('h1', {}, 'Jett cannot show its settings'), toastArea()));
  fail(err);
});
