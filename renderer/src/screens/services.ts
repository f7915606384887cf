// VPS services: PostgreSQL connection and password, the heartbeat webhook and its token, the n8n API key.
// Secrets are write-only here: the window sees "stored" or "not set", never a value. At the end, "Remove Jett from
// this computer", behind a confirmation that says what goes and asks about the data.
import type { WindowSecretName } from '../../../main/core/contracts/ipc.js';
import type { UninstallResult } from '../../../main/core/contracts/uninstall.js';
import { api, unwrap } from '../bridge.js';
import { clear, h } from '../dom.js';
import { sectionForm, type FieldSpec } from '../form.js';
import type { Store } from '../state.js';
import { fail, say } from '../toast.js';

const PG: FieldSpec[] = [
  { key: 'host', label: 'Host', kind: 'text', help: 'The VPS tunnel address' },
  { key: 'port', label: 'Port', kind: 'number' },
  { key: 'database', label: 'Database', kind: 'text' },
  { key: 'user', label: 'User', kind: 'text' },
];
const HEARTBEAT: FieldSpec[] = [
  { key: 'url', label: 'Heartbeat webhook', kind: 'text', help: 'The n8n webhook that receives heartbeats' },
  { key: 'intervalS', label: 'Interval (s)', kind: 'number' },
];

function secretField(store: Store, name: WindowSecretName, label: string): HTMLElement {
  const stored = store.state.settings.storedSecrets.includes(name);
  const id = `secret-${name.replace('.', '-')}`;
  const input = h('input', { type: 'password', id, autocomplete: 'new-password', placeholder: stored ? 'stored; type to replace' : 'not set' });
  const set = h('button', { type: 'button', id: `${id}-set`, class: 'small' }, 'Set');
  set.addEventListener('click', async () => {
    if (!input.value) return fail(new Error(`type the ${label.toLowerCase()} first`));
    try {
      store.setSettings(await unwrap(api().settings.setSecret(name, input.value)));
      input.value = '';
      say(`${label} stored`);
    } catch (err) {
      fail(err);
    }
  });
  const clearBtn = h('button', { type: 'button', id: `${id}-clear`, class: 'small', disabled: !stored }, 'Clear');
  clearBtn.addEventListener('click', async () => {
    try {
      store.setSettings(await unwrap(api().settings.clearSecret(name)));
      say(`${label} cleared`);
    } catch (err) {
      fail(err);
    }
  });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, ' ', h('span', { class: `pill ${stored ? 'up' : 'down'}`, id: `${id}-state` }, stored ? 'stored' : 'not set')),
    h('div', { class: 'inline' }, input, set, clearBtn),
  );
}

function uninstallReport(r: UninstallResult): HTMLElement {
  return h(
    'div',
    { id: 'uninstall-result' },
    h('p', {}, r.left.length === 0 ? 'Jett is removed from this computer. You may quit it now.' : 'Jett is partly removed. What is left, and how to remove it:'),
    h('ul', { id: 'uninstall-left' }, ...r.left.map((l) => h('li', {}, l.what, h('br'), h('code', {}, l.fix)))),
    h('ul', { id: 'uninstall-removed' }, ...r.removed.map((x) => h('li', {}, `removed ${x}`))),
    r.dataKept ? h('p', {}, `Your data is kept in ${r.home}.`) : null,
  );
}

/** Two steps: the first button only shows what will happen; nothing is removed before "Remove Jett now". */
function uninstallSection(): HTMLElement {
  const out = h('div', { id: 'uninstall-out' });
  const deleteData = h('input', { type: 'checkbox', id: 'uninstall-delete-data' });
  const confirmBtn = h('button', { type: 'button', id: 'uninstall-confirm', class: 'danger' }, 'Remove Jett now');
  const cancel = h('button', { type: 'button', id: 'uninstall-cancel', class: 'small' }, 'Cancel');
  const panel = h(
    'div',
    { id: 'uninstall-panel', hidden: true },
    h('p', {}, 'This stops Jett, brings the tunnel down and removes the tunnel setup (it asks for administrator rights, or tells you the command), the login item and every secret Jett stored (the tunnel keys, the database password, the tokens).'),
    h('div', { class: 'field' }, h('label', { for: 'uninstall-delete-data' }, deleteData, ' Also delete my data (config, local database, logs, speech models)')),
    h('div', { class: 'inline' }, confirmBtn, cancel),
  );
  const start = h('button', { type: 'button', id: 'uninstall' }, 'Remove Jett from this computer…');
  start.addEventListener('click', () => {
    panel.hidden = false;
    start.hidden = true;
  });
  cancel.addEventListener('click', () => {
    panel.hidden = true;
    start.hidden = false;
    deleteData.checked = false;
  });
  confirmBtn.addEventListener('click', async () => {
    confirmBtn.disabled = true;
    try {
      const r = await unwrap(api().app.uninstall(deleteData.checked));
      panel.hidden = true;
      clear(out);
      out.append(uninstallReport(r));
      say(r.left.length === 0 ? 'Jett is removed from this computer' : 'Jett is partly removed: see what is left');
    } catch (err) {
      confirmBtn.disabled = false;
      fail(err);
    }
  });
  return h('div', { id: 'uninstall-section' }, start, panel, out);
}

export function servicesScreen(store: Store): HTMLElement {
  const config = store.state.settings.config;
  const save = (section: 'postgres' | 'heartbeat', what: string) => async (values: Record<string, string | number | boolean>) => {
    try {
      store.setSettings(await unwrap(api().settings.save(section, values)));
      say(`${what} saved`);
    } catch (err) {
      fail(err);
    }
  };
  return h(
    'section',
    { class: 'screen', id: 'screen-services' },
    h('h1', {}, 'VPS services'),
    h('h2', { class: 'section-title' }, 'PostgreSQL'),
    sectionForm(config, 'postgres', PG, save('postgres', 'PostgreSQL settings'), [secretField(store, 'postgres.password', 'Password')]).element,
    h('h2', { class: 'section-title' }, 'Heartbeat and n8n'),
    sectionForm(config, 'heartbeat', HEARTBEAT, save('heartbeat', 'Heartbeat settings'), [
      secretField(store, 'heartbeat.token', 'Heartbeat token'),
      secretField(store, 'n8n.apiKey', 'n8n API key'),
    ]).element,
    h('p', { class: 'help' }, store.state.settings.secretStore.note),
    h('h2', { class: 'section-title' }, 'Leaving'),
    uninstallSection(),
  );
}
