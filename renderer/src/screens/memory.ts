// Memory: what Jett remembers (answered turns and facts asked to keep), newest first or searched by meaning, and
// forgetting one item behind a second click: gone here at once, on the VPS when the outbox next reaches it.
import type { MemoryItem, MemoryView } from '../../../main/core/contracts/memory.js';
import { api, unwrap } from '../bridge.js';
import { h } from '../dom.js';
import { fail, say } from '../toast.js';

const KIND_WORDS: Record<MemoryItem['kind'], string> = { turn: 'Conversation', fact: 'Asked to remember' };

function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Forget acts on the second click only: the first turns the button into the question. */
function forgetButton(act: () => Promise<void>): HTMLButtonElement {
  let armed = false;
  const button: HTMLButtonElement = h('button', {
    class: 'forget-item',
    type: 'button',
    onclick: () => {
      if (!armed) {
        armed = true;
        button.textContent = 'Click again to forget';
        button.classList.add('danger');
        return;
      }
      button.disabled = true;
      void act().finally(() => (button.disabled = false));
    },
  }, 'Forget');
  return button;
}

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
      forgetButton(() => onForget(m.id)),
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
  // One request at a time; typing while one runs asks again once it is back.
  let loading: Promise<void> | null = null;
  let again = false;
  const load = async (): Promise<void> => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      try {
        const q = search.value.trim();
        view = await unwrap(api().memory.list({ limit: LIMIT, ...(q ? { search: q } : {}) }));
        draw();
      } catch (err) {
        fail(err);
      }
    })();
    await loading;
    loading = null;
    if (again) {
      again = false;
      await load();
    }
  };
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
  // outbox) changes what is remembered: list again. The subscription ends with the screen.
  let seen = '';
  const off = api().status.onChange((status) => {
    if (!screen.isConnected) return off();
    const key = `${status.turns.at(-1)?.at ?? ''}|${status.snapshot.outbox.pending}`;
    if (seen && key !== seen) void load();
    seen = key;
  });
  return screen;
}
