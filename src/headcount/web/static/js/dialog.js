// A question in a modal <dialog>: the "yes" button confirms; Escape or the "no" button cancels.

import { h } from './dom.js';

let dialogs = 0;

/** A dialog to append to the page once; `ask(words)` opens it with those words. */
export function confirmDialog({ title, yes, no, danger = false, confirm }) {
  dialogs += 1;
  const titleId = `dialog-${dialogs}-title`;
  const textId = `dialog-${dialogs}-text`;
  const text = h('p', { id: textId });
  const element = h(
    'dialog',
    { 'aria-labelledby': titleId, 'aria-describedby': textId },
    h('h2', { id: titleId }, title),
    text,
  );
  const yesButton = h('button', { type: 'button', class: danger ? 'danger' : undefined }, yes);
  const noButton = h('button', { type: 'button', class: 'secondary' }, no);
  yesButton.addEventListener('click', () => {
    element.close();
    confirm();
  });
  noButton.addEventListener('click', () => element.close());
  element.append(h('div', { class: 'actions' }, noButton, yesButton));
  return {
    element,
    ask(words) {
      text.textContent = words;
      element.showModal();
    },
  };
}
