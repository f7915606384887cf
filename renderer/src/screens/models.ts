// Models: the LLMs the local Ollama server holds and the speech models (Whisper, Kokoro) in the models folder,
// each with a pull and its live progress.
import type { ModelKind, ModelProgress, ModelsView } from '../../../main/core/contracts/ipc.js';
import type { Config } from '../../../main/core/contracts/config.js';
import { api, unwrap } from '../bridge.js';
import { h } from '../dom.js';
import { bytes } from '../format.js';
import { fail, say } from '../toast.js';

/** Progress of pulls, kept across visits to the tab. */
const pulls = new Map<string, ModelProgress>();
let redraw: (() => void) | null = null;

export function trackPullProgress(p: ModelProgress): void {
  pulls.set(`${p.kind}:${p.name}`, p);
  redraw?.();
}

function progressRow(p: ModelProgress): HTMLElement {
  const pct = p.totalBytes && p.completedBytes !== null ? Math.min(100, (p.completedBytes / p.totalBytes) * 100) : null;
  const bar = h('progress', { max: 100, value: p.done && !p.error ? 100 : (pct ?? 0) });
  const text = p.error ? `failed: ${p.error}` : p.done ? 'done' : `${p.status}${pct !== null ? ` ${pct.toFixed(0)}% of ${bytes(p.totalBytes)}` : ''}`;
  return h('div', { class: `pull ${p.error ? 'failed' : ''}`, 'data-model': p.name }, h('code', {}, p.name), bar, h('span', { class: 'pull-status' }, text));
}

async function startPull(kind: ModelKind, name: string): Promise<void> {
  try {
    await unwrap(api().models.pull(kind, name));
    say(`Pulling ${name}`);
  } catch (err) {
    fail(err);
  }
}

function inUse(config: Config, name: string): boolean {
  return name === config.ollama.model || name === config.models.stt || name === config.models.tts;
}

export function modelsScreen(config: Config): HTMLElement {
  const llms = h('div', { id: 'model-list' }, h('p', { class: 'help' }, 'Loading…'));
  const speech = h('div', { id: 'speech-list' }, h('p', { class: 'help' }, 'Loading…'));
  const progress = h('div', { id: 'pull-progress' });
  const tag = (name: string) => (inUse(config, name) ? h('span', { class: 'pill up' }, 'in use') : '');
  const draw = (view: ModelsView | null) => {
    if (view) {
      llms.replaceChildren(
        view.error
          ? h('div', { class: 'warning', id: 'models-error' }, view.error)
          : view.models.length === 0
            ? h('p', {}, 'No models yet.')
            : h(
                'table',
                { class: 'models' },
                h('thead', {}, h('tr', {}, h('th', {}, 'Model'), h('th', {}, 'Size'), h('th', {}, ''))),
                h('tbody', {}, ...view.models.map((m) => h('tr', {}, h('td', {}, h('code', {}, m.name)), h('td', {}, bytes(m.sizeBytes)), h('td', {}, tag(m.name))))),
              ),
      );
      const s = view.speech;
      speech.replaceChildren(
        s.error
          ? h('div', { class: 'warning' }, s.error)
          : h(
              'table',
              { class: 'models' },
              h('thead', {}, h('tr', {}, h('th', {}, 'Model'), h('th', {}, 'Task'), h('th', {}, 'Size'), h('th', {}, 'State'), h('th', {}, ''))),
              h(
                'tbody',
                {},
                ...s.models.map((m) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, h('code', {}, m.name), ' ', tag(m.name)),
                    h('td', {}, m.task === 'stt' ? 'speech to text' : m.task === 'tts' ? 'text to speech' : 'embeddings (memory)'),
                    h('td', {}, bytes(m.sizeBytes)),
                    h('td', {}, m.state),
                    h('td', {}, m.state === 'installed' ? '' : h('button', { class: 'small', id: `pull-speech-${m.name}`, onclick: () => void startPull('speech', m.name) }, m.state === 'partial' ? 'Resume' : 'Pull')),
                  ),
                ),
              ),
            ),
        h('div', { class: 'help' }, `Folder: ${s.dir}`),
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
  const name = h('input', { type: 'text', id: 'pull-name', placeholder: 'e.g. llama3.2:3b', value: config.ollama.model, spellcheck: 'false' });
  const pull = h('button', { class: 'primary', id: 'pull-start', onclick: () => void startPull('ollama', name.value.trim()) }, 'Pull');
  return h(
    'section',
    { class: 'screen', id: 'screen-models' },
    h('h1', {}, 'Models'),
    h('div', { class: 'card' }, h('h2', {}, 'Language models in Ollama'), llms, h('div', { class: 'inline actions' }, name, pull, h('button', { id: 'models-refresh', onclick: () => void load() }, 'Refresh'))),
    h('div', { class: 'card' }, h('h2', {}, 'Speech models'), speech),
    h('div', { class: 'card' }, h('h2', {}, 'Pulls'), progress),
  );
}
