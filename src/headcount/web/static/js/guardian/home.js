// A guardian's "My children": each child, their classes with the latest status, and the marks of
// a roll call as they are made. A guardian's socket hears only ATTENDANCE_MARKED about their
// children (docs/notify.md §1), never when a roll call starts or ends, so a live mark is shown
// as what it is: the child's mark today, and when it was heard.

import { api } from '../api.js';
import { clock, h, heading, setText, showError, statusLabel } from '../dom.js';

const key = (studentId, classId) => `${studentId} ${classId}`;

export async function home(root, scope) {
  const { live } = scope;
  const list = h('div', { 'aria-busy': 'true' });
  root.append(heading('My children'), list);
  const lines = new Map(); // "studentId classId" → {element, finished, now}

  function show(line) {
    const { element, finished, now } = line;
    const status = now ? now.status : finished;
    element.dataset.status = status ?? 'none';
    setText(
      element,
      now
        ? `Today: ${statusLabel(now.status)} (marked at ${clock(now.at)})`
        : finished
          ? `Last roll call: ${statusLabel(finished)}`
          : 'No finished roll call yet',
    );
  }

  function classLine(child, c, finished) {
    const element = h('span', { class: 'child-status', 'aria-live': 'polite' });
    const id = key(child.id, c.id);
    const line = { element, finished, now: lines.get(id)?.now ?? null };
    lines.set(id, line);
    show(line);
    return h(
      'li',
      { class: 'child-class' },
      h('a', { href: `#/child/${child.id}/class/${c.id}` }, c.className),
      element,
    );
  }

  async function childCard(child) {
    const latest = await api.childAttendance(child.id);
    const statusOf = new Map(latest.map((a) => [a.classId, a.status]));
    const titleId = `child-${child.id}`;
    return h(
      'section',
      { class: 'card', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, child.name),
      child.classes.length
        ? h(
            'ul',
            { class: 'child-classes' },
            child.classes.map((c) => classLine(child, c, statusOf.get(c.id) ?? null)),
          )
        : h('p', { class: 'empty' }, 'Not in any class yet.'),
    );
  }

  // Read again on every (re)connect: marks made while the socket was down were not heard.
  async function load() {
    try {
      const children = await api.children();
      const cards = await Promise.all(children.map(childCard));
      if (!scope.alive()) return;
      list.replaceChildren(
        ...(cards.length
          ? cards
          : [
              h(
                'p',
                { class: 'card empty' },
                'No child is linked to your account yet: the school office links them.',
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
    live.on('ATTENDANCE_MARKED', (d) => {
      const line = lines.get(key(d.studentId, d.classId));
      if (!line) return;
      line.now = { status: d.status, at: new Date().toISOString() };
      show(line);
    }),
  );
  scope.onLeave(live.on('open', load));
  await load();
}
