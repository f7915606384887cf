// History: past voice turns (time, what was said, the reply, the outcome, each stage's latency), searchable, and
// deleting one turn or all of them, each behind a second click: gone here at once, on the VPS at the next sync.
import type { VoiceTurnRecord } from '../../../main/core/contracts/voice.js';
import { api, unwrap } from '../bridge.js';
import { confirmButton } from '../confirm-button.js';
import { h } from '../dom.js';
import { ms, when } from '../format.js';
import { reloadOnActivity, serialLoader } from '../live-list.js';
import { fail, say } from '../toast.js';

const STAGES: Array<[keyof VoiceTurnRecord['latencies'], string]> = [
  ['stt_final_ms', 'transcript'],
  ['llm_first_token_ms', 'first token'],
  ['first_fragment_ms', 'first sentence'],
  ['tts_first_audio_ms', 'first audio made'],
  ['playback_start_ms', 'playback'],
];

const OUTCOME_WORDS: Record<VoiceTurnRecord['outcome'], string> = { answered: 'Answered', cancelled: 'Cancelled', failed: 'Failed', 'no-speech': 'No speech' };

function turnCard(t: VoiceTurnRecord, onDelete: (id: string) => Promise<void>): HTMLElement {
  const l = t.latencies;
  return h(
    'article',
    { class: 'card turn', 'data-id': t.id },
    h(
      'div',
      { class: 'turn-head' },
      h('time', { datetime: t.at }, when(t.at)),
      h('span', { class: `pill outcome-${t.outcome}` }, OUTCOME_WORDS[t.outcome]),
      t.reason ? h('span', { class: 'help' }, t.reason) : null,
      confirmButton({ class: 'delete-turn', label: 'Delete', question: 'Click again to delete', act: () => onDelete(t.id) }),
    ),
    h('p', { class: 'said' }, h('span', { class: 'k' }, 'You said: '), t.transcript || '–'),
    h('p', { class: 'reply' }, h('span', { class: 'k' }, 'Jett: '), t.reply || '–'),
    h(
      'p',
      { class: 'latency help' },
      `Speech end to first audio ${ms(l.speech_end_to_audio_ms)}; after the end of the turn: `,
      STAGES.map(([key, label]) => `${label} ${ms(l[key])}`).join(' · '),
    ),
  );
}

/** Turns fetched at a time; "Show older" fetches the next page. */
const PAGE = 50;

export function historyScreen(): HTMLElement {
  const list = h('div', { id: 'history-list', class: 'history-list' });
  const search = h('input', { id: 'history-search', type: 'search', placeholder: 'Search what was said or answered', spellcheck: 'false', autocomplete: 'off' });
  const more = h('div', { class: 'actions', id: 'history-more-slot' });
  let turns: VoiceTurnRecord[] = [];
  let shown = PAGE;

  const remove = async (what: { ids: string[] } | { all: true }) => {
    try {
      const r = await unwrap(api().voice.deleteHistory(what));
      say(`${r.localRows === 1 ? '1 turn' : `${r.localRows} turns`} deleted here; the VPS deletes its copy at the next sync`);
      await load();
    } catch (err) {
      fail(err);
    }
  };
  const deleteAll = h('div', { class: 'actions', id: 'history-delete-all-slot' });
  const draw = () => {
    const q = search.value.trim();
    list.replaceChildren(
      ...(turns.length === 0
        ? [h('div', { class: 'notice', id: 'history-empty' }, q ? `No turn mentions "${q}".` : 'No voice turns yet: what you say to Jett, and its replies, appear here.')]
        : turns.map((t) => turnCard(t, (id) => remove({ ids: [id] })))),
    );
    deleteAll.replaceChildren(
      turns.length === 0 || q
        ? h('span')
        : confirmButton({ id: 'history-delete-all', label: 'Delete all turns', question: 'Click again to delete every turn', act: () => remove({ all: true }) }),
    );
    more.replaceChildren(
      turns.length < shown ? h('span') : h('button', { id: 'history-more', type: 'button', onclick: () => ((shown += PAGE), void load()) }, 'Show older turns'),
    );
  };
  const load = serialLoader(async () => {
    const q = search.value.trim();
    turns = await unwrap(api().voice.history({ limit: shown, ...(q ? { search: q } : {}) }));
    draw();
  });
  search.addEventListener('input', () => ((shown = PAGE), void load()));
  void load();
  const screen = h(
    'section',
    { class: 'screen', id: 'screen-history' },
    h('h1', {}, 'History'),
    h(
      'p',
      { class: 'help' },
      'Your past voice turns, newest first. Deleting removes a turn from this computer at once and from the VPS when the outbox next syncs (also after being offline); a turn not sent yet never leaves with its text.',
    ),
    h('div', { class: 'field' }, h('label', { for: 'history-search' }, 'Search'), search),
    deleteAll,
    list,
    more,
  );
  // A turn just answered, or a deletion made elsewhere (the CLI, another window): list again.
  reloadOnActivity(screen, load);
  return screen;
}
