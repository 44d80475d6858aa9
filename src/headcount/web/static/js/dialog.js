// Modal <dialog>s: a question ("yes" confirms; Escape or "no" cancels) and a small form.

import { busy, h } from './dom.js';

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

/** A dialog holding a form: `submit()` runs with its controls disabled, and the dialog closes
 * once it succeeds; a failure is shown and the dialog stays open to try again. */
export function formDialog({ title, yes, no = 'Cancel', body, submit }) {
  dialogs += 1;
  const titleId = `dialog-${dialogs}-title`;
  const text = h('p', { id: `dialog-${dialogs}-text` });
  const noButton = h('button', { type: 'button', class: 'secondary' }, no);
  const form = h(
    'form',
    {},
    h('h2', { id: titleId }, title),
    text,
    ...body,
    h('div', { class: 'actions' }, noButton, h('button', { type: 'submit' }, yes)),
  );
  const element = h(
    'dialog',
    { 'aria-labelledby': titleId, 'aria-describedby': text.id },
    form,
  );
  noButton.addEventListener('click', () => element.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      await submit();
      element.close();
    });
  });
  return {
    element,
    form,
    ask(words) {
      text.textContent = words;
      element.showModal();
    },
  };
}
