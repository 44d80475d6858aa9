// The parts of the roll call page that show what they are given: the counts, the roster (a row
// per student with a button per status) and the marks not sent yet. roll-call.js decides what.

import { clock, h, setText, STATUSES, statusLabel } from '../dom.js';

const TALLY = ['present', 'absent', 'late', 'excused', 'unmarked'];

/** One tile per status and one for "Not marked". */
export function countsView() {
  const tallies = Object.fromEntries(TALLY.map((k) => [k, h('dd', {}, '0')]));
  const element = h(
    'dl',
    { class: 'counts', 'aria-live': 'polite', 'aria-atomic': 'true' },
    TALLY.map((k) =>
      h(
        'div',
        { class: `count count-${k}` },
        h('dt', {}, k === 'unmarked' ? 'Not marked' : statusLabel(k)),
        tallies[k],
      ),
    ),
  );
  return {
    element,
    show(tally) {
      for (const k of TALLY) setText(tallies[k], String(tally[k]));
    },
  };
}

/** A row per student: the name, the status, and a group of status buttons named after them. */
export function rosterView(onTap) {
  const element = h('ul', { class: 'roster', 'aria-label': 'Students' });
  const rows = new Map();

  function add(student) {
    const status = h('span', { class: 'status' });
    const buttons = STATUSES.map((s) =>
      h(
        'button',
        {
          type: 'button',
          class: `mark mark-${s}`,
          'aria-pressed': 'false',
          'aria-label': `${statusLabel(s)}: ${student.name}`,
          onclick: () => onTap(student.id, s),
        },
        statusLabel(s),
      ),
    );
    const nameId = `name-${student.id}`;
    const li = h(
      'li',
      { class: 'roster-row' },
      h('div', { class: 'who' }, h('span', { class: 'name', id: nameId }, student.name), status),
      h('div', { class: 'marks', role: 'group', 'aria-labelledby': nameId }, buttons),
    );
    rows.set(student.id, { li, status, buttons });
    element.append(li);
  }

  /** Show `shown` (student id → status), the `pending` ids as not sent yet; returns the counts. */
  function show(shown, pending, closed) {
    const tally = { present: 0, absent: 0, late: 0, excused: 0, unmarked: 0 };
    for (const [id, row] of rows) {
      const status = shown[id] ?? null;
      tally[status ?? 'unmarked'] += 1;
      row.status.textContent = statusLabel(status) + (pending.has(id) ? ' (not sent yet)' : '');
      row.li.dataset.status = status ?? 'none';
      row.li.classList.toggle('pending', pending.has(id));
      row.buttons.forEach((b, i) => {
        b.setAttribute('aria-pressed', String(STATUSES[i] === status));
        b.disabled = closed;
      });
    }
    return tally;
  }

  return { element, add, show, has: (id) => rows.has(id), ids: () => [...rows.keys()] };
}

/** "Not sent yet (n)": every queued mark, with the time it was tapped. */
export function unsentView(nameOf) {
  const list = h('ul', { class: 'plain-list' });
  const title = h('h2', {});
  const element = h(
    'section',
    { class: 'unsent', hidden: true, 'aria-live': 'polite' },
    title,
    h('p', {}, 'Saved in this browser; sent as soon as the connection is back.'),
    list,
  );
  return {
    element,
    show(entries) {
      element.hidden = entries.length === 0;
      setText(title, `Not sent yet (${entries.length})`);
      const lines = entries.map(
        (e) => `${nameOf(e.studentId)}: ${statusLabel(e.status)}, tapped at ${clock(e.markedAt)}`,
      );
      if (lines.join('\n') !== [...list.children].map((li) => li.textContent).join('\n')) {
        list.replaceChildren(...lines.map((line) => h('li', {}, line)));
      }
    },
  };
}
