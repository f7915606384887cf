// Models: what the local Ollama server holds, and pulls with live progress.
import type { ModelProgress, ModelsView } from '../../../main/core/contracts/ipc.js';
import { api, unwrap } from '../bridge.js';
import { h } from '../dom.js';
import { bytes } from '../format.js';
import { fail, say } from '../toast.js';

/** Progress of pulls, kept across visits to the tab. */
const pulls = new Map<string, ModelProgress>();
let redraw: (() => void) | null = null;

export function trackPullProgress(p: ModelProgress): void {
  pulls.set(p.name, p);
  redraw?.();
}

function progressRow(p: ModelProgress): HTMLElement {
  const pct = p.totalBytes && p.completedBytes !== null ? Math.min(100, (p.completedBytes / p.totalBytes) * 100) : null;
  const bar = h('progress', { max: 100, value: p.done && !p.error ? 100 : (pct ?? 0) });
  const text = p.error ? `failed: ${p.error}` : p.done ? 'done' : `${p.status}${pct !== null ? ` ${pct.toFixed(0)}% of ${bytes(p.totalBytes)}` : ''}`;
  return h('div', { class: `pull ${p.error ? 'failed' : ''}`, 'data-model': p.name }, h('code', {}, p.name), bar, h('span', { class: 'pull-status' }, text));
}

export function modelsScreen(currentModel: string): HTMLElement {
  const list = h('div', { id: 'model-list' }, h('p', { class: 'help' }, 'Loading…'));
  const progress = h('div', { id: 'pull-progress' });
  const draw = (view: ModelsView | null) => {
    if (view) {
      list.replaceChildren(
        view.error
          ? h('div', { class: 'warning', id: 'models-error' }, view.error)
          : view.models.length === 0
            ? h('p', {}, 'No models yet.')
            : h(
                'table',
                { class: 'models' },
                h('thead', {}, h('tr', {}, h('th', {}, 'Model'), h('th', {}, 'Size'), h('th', {}, ''))),
                h(
                  'tbody',
                  {},
                  ...view.models.map((m) => h('tr', {}, h('td', {}, h('code', {}, m.name)), h('td', {}, bytes(m.sizeBytes)), h('td', {}, m.name === currentModel ? h('span', { class: 'pill up' }, 'in use') : ''))),
                ),
              ),
      );
    }
    progress.replaceChildren(...[...pulls.values()].map(progressRow));
  };
  redraw = () => draw(null);
  const load = async () => {
    try {
      draw(await unwrap(api().models.list()));
    } catch (err) {
      fail(err);
    }
  };
  void load();
  const name = h('input', { type: 'text', id: 'pull-name', placeholder: 'e.g. llama3.2:3b', value: currentModel, spellcheck: 'false' });
  const pull = h('button', { class: 'primary', id: 'pull-start' }, 'Pull');
  pull.addEventListener('click', async () => {
    try {
      await unwrap(api().models.pull(name.value.trim()));
      say(`Pulling ${name.value.trim()}`);
    } catch (err) {
      fail(err);
    }
  });
  return h(
    'section',
    { class: 'screen', id: 'screen-models' },
    h('h1', {}, 'Models'),
    h('div', { class: 'card' }, h('h2', {}, 'Installed in Ollama'), list, h('div', { class: 'actions' }, h('button', { id: 'models-refresh', onclick: () => void load() }, 'Refresh'))),
    h('div', { class: 'card' }, h('h2', {}, 'Pull a model'), h('div', { class: 'inline' }, name, pull), progress),
  );
}
