// Memory: what Jett remembers (answered turns and facts asked to keep), newest first or searched by meaning, and
// forgetting one item behind a second click: gone here at once, on the VPS when the outbox next reaches it.
import type { MemoryItem, MemoryView } from '../../../main/core/contracts/memory.js';
import { api, unwrap } from '../bridge.js';
import { confirmButton } from '../confirm-button.js';
import { h } from '../dom.js';
import { when } from '../format.js';
import { reloadOnActivity, serialLoader } from '../live-list.js';
import { fail, say } from '../toast.js';

const KIND_WORDS: Record<MemoryItem['kind'], string> = { turn: 'Conversation', fact: 'Asked to remember' };

function itemCard(m: MemoryItem, onForget: (id: string) => Promise<void>): HTMLElement {
  return h(
    'article',
    { class: 'card memory-item', 'data-id': m.id },
    h(
      'div',
      { class: 'turn-head' },
      h('time', { datetime: m.at }, when(m.at)),
      h('span', { class: `pill kind-${m.kind}` }, KIND_WORDS[m.kind]),
      m.private ? h('span', { class: 'pill private', title: 'Stays on this computer: never sent to the VPS' }, 'Private') : null,
      confirmButton({ class: 'forget-item', label: 'Forget', question: 'Click again to forget', act: () => onForget(m.id) }),
    ),
    h('p', { class: 'memory-text' }, m.text),
  );
}

const LIMIT = 100;

export function memoryScreen(): HTMLElement {
  const list = h('div', { id: 'memory-list', class: 'history-list' });
  const search = h('input', { id: 'memory-search', type: 'search', placeholder: 'Search by meaning, e.g. "plumber"', spellcheck: 'false', autocomplete: 'off' });
  let view: MemoryView | null = null;

  const forget = async (id: string) => {
    try {
      const r = await unwrap(api().memory.forget({ ids: [id] }));
      say(r.forgotten.length > 0 ? 'Forgotten here; the VPS forgets it when the outbox next reaches it' : 'Already forgotten');
      await load();
    } catch (err) {
      fail(err);
    }
  };
  const draw = () => {
    if (!view) return;
    const q = search.value.trim();
    const empty = !view.search.ready
      ? h('div', { class: 'notice', id: 'memory-empty' }, `Search is off: ${view.search.reason ?? `the embedding model ${view.search.model} is not ready`} Clear the search box to list everything remembered.`)
      : h(
          'div',
          { class: 'notice', id: 'memory-empty' },
          q
            ? `Nothing remembered about "${q}".`
            : `Nothing remembered yet. Jett remembers answered voice turns and what you ask it to ("Remember that the plumber comes on Tuesday") once its embedding model ${view.search.model} is downloaded (Models screen).`,
        );
    list.replaceChildren(...(view.items.length === 0 ? [empty] : view.items.map((m) => itemCard(m, forget))));
  };
  const load = serialLoader(async () => {
    const q = search.value.trim();
    view = await unwrap(api().memory.list({ limit: LIMIT, ...(q ? { search: q } : {}) }));
    draw();
  });
  search.addEventListener('input', () => void load());
  void load();
  const screen = h(
    'section',
    { class: 'screen', id: 'screen-memory' },
    h('h1', {}, 'Memory'),
    h(
      'p',
      { class: 'help' },
      'What Jett remembers, newest first; a search lists the nearest in meaning first (it needs the embedding model). Forgetting removes an item from this computer at once and from the VPS when the outbox next syncs, also after being offline. Private items never leave this computer.',
    ),
    h('div', { class: 'field' }, h('label', { for: 'memory-search' }, 'Search'), search),
    list,
  );
  // A turn just answered (kept in memory) or a forget made elsewhere (spoken, the CLI: its tombstone moves the
  // outbox) changes what is remembered: list again.
  reloadOnActivity(screen, load);
  return screen;
}
