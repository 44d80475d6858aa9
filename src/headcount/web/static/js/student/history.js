// A student's past statuses in one class, newest first.

import { api } from '../api.js';
import { h, showError, statusLabel, when } from '../dom.js';

/** The element, and `load()` to (re)read it from the server. */
export function historyView(classId) {
  const element = h('div', { 'aria-busy': 'true' });
  async function load() {
    try {
      const rows = await api.myHistory(classId);
      element.replaceChildren(
        rows.length ? table(rows) : h('p', { class: 'empty' }, 'No finished roll calls yet.'),
      );
    } catch (error) {
      showError(error);
    } finally {
      element.removeAttribute('aria-busy');
    }
  }
  return { element, load };
}

function table(rows) {
  return h(
    'table',
    {},
    h('caption', {}, 'My past statuses, newest first'),
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
