// A button for what cannot be undone (delete, forget): it acts on its second click only, the first one turns it into
// the question.
import { h } from './dom.js';

export function confirmButton(props: { id?: string; class?: string; label: string; question: string; act: () => Promise<void> }): HTMLButtonElement {
  let armed = false;
  const button: HTMLButtonElement = h('button', {
    id: props.id,
    class: props.class,
    type: 'button',
    onclick: () => {
      if (!armed) {
        armed = true;
        button.textContent = props.question;
        button.classList.add('danger');
        return;
      }
      button.disabled = true;
      void props.act().finally(() => (button.disabled = false));
    },
  }, props.label);
  return button;
}
