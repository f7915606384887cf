// One line of feedback at the bottom of the window: what happened, or what failed and what to do next.
import { errorMessage } from '../../main/core/contracts/errors.js';
import { UiError } from './bridge.js';
import { h } from './dom.js';

let area: HTMLElement | null = null;

export function toastArea(): HTMLElement {
  area = h('div', { class: 'toast', id: 'toast', role: 'status', 'aria-live': 'polite' });
  return area;
}

export function say(text: string): void {
  if (!area) return;
  area.className = 'toast ok';
  area.replaceChildren(text);
}

export function fail(err: unknown): void {
  if (!area) return;
  area.className = 'toast error';
  if (err instanceof UiError) area.replaceChildren(h('strong', {}, err.view.message), h('div', {}, `Fix: ${err.view.fix}`));
  else area.replaceChildren(h('strong', {}, errorMessage(err)));
}
