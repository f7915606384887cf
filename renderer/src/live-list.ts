// What the History and Memory screens share about keeping their list current: one request at a time, and a new
// request when a turn is answered or something is deleted elsewhere.
import { api } from './bridge.js';
import { fail } from './toast.js';

/**
 * `fetch` run one at a time: a call while one runs (typing, a new turn) asks again once it is back, so the list
 * always ends on the latest search without requests racing each other. A failed fetch shows its error.
 */
export function serialLoader(fetch: () => Promise<void>): () => Promise<void> {
  let loading: Promise<void> | null = null;
  let again = false;
  const load = async (): Promise<void> => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = fetch().catch(fail);
    await loading;
    loading = null;
    if (again) {
      again = false;
      await load();
    }
  };
  return load;
}

/**
 * Calls `load` when the status shows a new last turn or a moved outbox (a turn answered, a deletion or a forget made
 * by voice, the CLI or another window); the subscription ends once `screen` has left the page.
 */
export function reloadOnActivity(screen: HTMLElement, load: () => Promise<void>): void {
  let seen = '';
  const off = api().status.onChange((status) => {
    if (!screen.isConnected) return off();
    const key = `${status.turns.at(-1)?.at ?? ''}|${status.snapshot.outbox.pending}`;
    if (seen && key !== seen) void load();
    seen = key;
  });
}
