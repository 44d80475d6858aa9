// A student's past statuses in one class, newest first: for the student, and for a guardian.

import { h, showError, statusLabel, when } from '../dom.js';

/** The element, and `load()` to (re)read it with `read()` (rows `{startedAt, status}`). */
export function historyView(read, caption = 'My past statuses, newest first') {
  const element = h('div', { 'aria-busy': 'true' });
  async function load() {
    try {
      const rows = await read();
      element.replaceChildren(
        rows.length
          ? table(rows, caption)
          : h('p', { class: 'empty' }, 'No finished roll calls yet.'),
      );
    } catch (error) {
      showError(error);
    } finally {
      element.removeAttribute('aria-busy');
    }
  }
  return { element, load };
}

function table(rows, caption) {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Roll call'), h('th', { scope: 'col' }, 'Status')),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, when(r.startedAt)),
          h('td', { class: r.status ? `st st-${r.status}` : 'st' }, statusLabel(r.status)),
        ),
      ),
    ),
  );
}
