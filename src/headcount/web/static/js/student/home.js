// The student's "My classes", each saying whether a roll call is running. SESSION_STARTED and
// DONE keep that up to date; after a reconnect the list is read again, as events may be missed.

import { api } from '../api.js';
import { h, heading, showError } from '../dom.js';

export async function home(root, scope) {
  const { live } = scope;
  const list = h('ul', { class: 'cards', 'aria-busy': 'true' });
  root.append(heading('My classes'), list);
  const lines = new Map(); // classId → the card's roll call line

  function showRunning(line, running) {
    line.className = running ? '' : 'muted';
    line.replaceChildren(
      ...(running
        ? [h('span', { class: 'badge' }, 'Roll call running'), ' check in now']
        : ['No roll call running']),
    );
  }

  function card(c) {
    const line = h('p', {});
    showRunning(line, Boolean(c.activeSession));
    lines.set(c.id, line);
    return h(
      'li',
      { class: 'card' },
      h('h2', {}, h('a', { href: `#/class/${c.id}` }, c.className)),
      line,
    );
  }

  async function load() {
    try {
      const classes = await api.classes();
      if (!scope.alive()) return;
      lines.clear();
      list.replaceChildren(
        ...classes.map(card),
        ...(classes.length
          ? []
          : [
              h(
                'li',
                { class: 'empty' },
                'You are not in any class yet: ask your teacher to add you.',
              ),
            ]),
      );
    } catch (error) {
      showError(error);
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  scope.onLeave(
    live.on('SESSION_STARTED', (d) => {
      if (lines.has(d.classId)) showRunning(lines.get(d.classId), true);
      else load(); // a class this list does not show yet: the student was just added to it
    }),
  );
  scope.onLeave(
    live.on('DONE', (d) => lines.has(d.classId) && showRunning(lines.get(d.classId), false)),
  );
  scope.onLeave(live.on('open', load));
  await load();
}
