// A modal <dialog> that holds a small page of its own about one account (its excusals, a
// guardian's children): a title, the content, and "Close". Escape closes it too.

import { h } from '../dom.js';

let panels = 0;

export function panelDialog() {
  panels += 1;
  const titleId = `panel-${panels}-title`;
  const title = h('h2', { id: titleId });
  const said = h('p', { role: 'status' });
  const body = h('div', {});
  const close = h('button', { type: 'button', class: 'secondary' }, 'Close');
  const element = h(
    'dialog',
    { class: 'panel', 'aria-labelledby': titleId },
    title,
    said,
    body,
    h('div', { class: 'actions' }, close),
  );
  close.addEventListener('click', () => element.close());
  return {
    element,
    body,
    /** Say something in the panel's own status line; each message replaces the last. */
    say: (text) => (said.textContent = text),
    open(text) {
      title.textContent = text;
      said.textContent = '';
      element.showModal();
      title.setAttribute('tabindex', '-1');
      title.focus();
    },
  };
}
