// The live roll call: the roster with a button per status, the counts, the marks not sent yet,
// the check-in code beside it, and finishing.

import { api } from '../api.js';
import {
  back,
  clock,
  h,
  heading,
  notify,
  setText,
  showError,
  STATUSES,
  statusLabel,
} from '../dom.js';
import { isConnectionLost } from '../live.js';
import { codePanel } from './code-panel.js';

export const ROSTER_KEY = 'headcount.roster.';

/** What the server says, with the taps still in the outbox on top. */
function displayed(live, classId, server) {
  const shown = { ...server };
  const pending = new Set();
  for (const entry of live.unsent(classId)) {
    shown[entry.studentId] = entry.status;
    pending.add(entry.studentId);
  }
  return { shown, pending };
}

export async function rollCall(root, scope, classId) {
  const { live } = scope;
  const title = heading('Roll call');
  root.append(back(`#/class/${classId}`, 'Class'), title);
  // The roster is kept on this device too, so the roll call can be opened again while offline.
  const saved = `${ROSTER_KEY}${classId}`;
  let detail;
  let server = {}; // studentId → status, from SESSION_STATE and ATTENDANCE_MARKED
  try {
    detail = await api.classDetail(classId);
  } catch (error) {
    const kept = error.status === 0 ? JSON.parse(localStorage.getItem(saved) ?? 'null') : null;
    if (!kept) {
      title.textContent = 'Class not available';
      showError(error);
      return;
    }
    ({ detail, server } = kept);
    notify('Offline: showing the roster as this device last saw it.');
  }
  if (!scope.alive()) return;
  title.textContent = `Roll call: ${detail.className}`;
  document.title = `${title.textContent} · Headcount`;

  let running; // undefined until the server said; null once finished or none
  let finished = null;
  const rows = new Map();

  const TALLY = ['present', 'absent', 'late', 'excused', 'unmarked'];
  const tallies = Object.fromEntries(TALLY.map((k) => [k, h('dd', {}, '0')]));
  const counts = h(
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
  const notice = h('p', { class: 'notice', role: 'status' });
  const unsentList = h('ul', { class: 'plain-list' });
  const unsentTitle = h('h2', {});
  const unsent = h(
    'section',
    { class: 'unsent', hidden: true, 'aria-live': 'polite' },
    unsentTitle,
    h('p', {}, 'Saved in this browser; sent as soon as the connection is back.'),
    unsentList,
  );
  const roster = h('ul', { class: 'roster', 'aria-label': 'Students' });
  const finishButton = h('button', { type: 'button', class: 'danger' }, 'Finish roll call…');
  const finishHint = h('p', { class: 'muted' });
  const summary = h('section', { class: 'card summary', hidden: true, tabindex: -1 });
  const code = codePanel(classId, false);
  scope.onLeave(code.stop);

  const dialog = finishDialog(detail.className, () => finish());
  root.append(
    h(
      'div',
      { class: 'rollcall' },
      h(
        'div',
        { class: 'rollcall-main' },
        summary,
        counts,
        notice,
        unsent,
        roster,
        h('div', { class: 'finish' }, finishButton, finishHint),
      ),
      h(
        'aside',
        { class: 'rollcall-side', 'aria-label': 'Check-in' },
        code.element,
        h(
          'a',
          { class: 'button secondary', href: `#/class/${classId}/projector` },
          'Projector view',
        ),
      ),
    ),
    dialog,
  );

  function addRow(student) {
    const status = h('span', { class: 'status' });
    const buttons = STATUSES.map((s) =>
      h(
        'button',
        {
          type: 'button',
          class: `mark mark-${s}`,
          'aria-pressed': 'false',
          'aria-label': `${statusLabel(s)}: ${student.name}`,
          onclick: () => tap(student.id, s),
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
    roster.append(li);
  }
  detail.students.forEach(addRow);

  function tap(studentId, status) {
    live.mark(classId, studentId, status);
    render();
  }

  function render() {
    localStorage.setItem(saved, JSON.stringify({ detail, server }));
    const { shown, pending } = displayed(live, classId, server);
    const tally = { present: 0, absent: 0, late: 0, excused: 0, unmarked: 0 };
    const closed = Boolean(finished) || running === null;
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
    // Live regions are only touched when their words change, so nothing is announced twice.
    for (const k of TALLY) setText(tallies[k], String(tally[k]));
    const mine = live.unsent(classId);
    unsent.hidden = mine.length === 0;
    setText(unsentTitle, `Not sent yet (${mine.length})`);
    const lines = mine.map((e) => {
      const who = detail.students.find((s) => s.id === e.studentId)?.name ?? e.studentId;
      return `${who}: ${statusLabel(e.status)}, tapped at ${clock(e.markedAt)}`;
    });
    if (lines.join('\n') !== [...unsentList.children].map((li) => li.textContent).join('\n')) {
      unsentList.replaceChildren(...lines.map((line) => h('li', {}, line)));
    }
    let words = '';
    if (finished) words = '';
    else if (running === null) words = 'No roll call is running for this class.';
    else if (live.status === 'offline')
      words = 'Offline: keep marking; the marks are sent when the connection is back.';
    else if (live.status === 'connecting')
      words = 'Connecting to the server… Marks are kept on this device until they are sent.';
    setText(notice, words);
    finishButton.hidden = closed;
    finishButton.disabled = live.status !== 'online' || mine.length > 0 || running === undefined;
    if (closed || !finishButton.disabled) finishHint.textContent = '';
    else if (live.status !== 'online') finishHint.textContent = 'Finishing needs a connection.';
    else if (mine.length) finishHint.textContent = 'Finishing waits until every mark is sent.';
    else finishHint.textContent = 'Waiting for the server…';
  }

  function applyState(state) {
    if (state === null) {
      running = null;
      code.stop();
    } else {
      running = true;
      server = { ...state.attendance };
      if (Object.keys(server).some((id) => !rows.has(id))) refreshStudents();
    }
    render();
  }

  async function refreshStudents() {
    try {
      detail.students = (await api.classDetail(classId)).students;
      detail.students.filter((s) => !rows.has(s.id)).forEach(addRow);
      render();
    } catch (error) {
      showError(error);
    }
  }

  function showSummary(data) {
    finished = data;
    code.stop();
    summary.hidden = false;
    summary.replaceChildren(
      h('h2', {}, 'Roll call finished'),
      h(
        'p',
        {},
        `${data.message}. Present ${data.present}, absent ${data.absent}, late ${data.late}, ` +
          `excused ${data.excused}; ${data.total} in all.`,
      ),
      h('a', { class: 'button', href: `#/class/${classId}` }, 'Back to the class'),
    );
    render();
    summary.focus();
  }

  async function finish() {
    finishButton.disabled = true;
    try {
      showSummary(await live.finish(classId));
    } catch (error) {
      const dropped = new Error('Not finished: the connection dropped. Try again.');
      showError(isConnectionLost(error) ? dropped : error);
      render();
    }
  }

  finishButton.addEventListener('click', () => dialog.showModal());

  const sync = () => {
    if (!live.isOpen()) return;
    live.state(classId).then(applyState, (error) => isConnectionLost(error) || showError(error));
  };
  const ours = (data) => data.classId === classId;
  scope.onLeave(live.on('open', sync));
  scope.onLeave(live.on('status', render));
  scope.onLeave(live.on('outbox', render));
  scope.onLeave(live.on('SESSION_STATE', (d) => ours(d) && applyState(d)));
  scope.onLeave(
    live.on('ATTENDANCE_MARKED', (d) => {
      if (!ours(d)) return;
      server[d.studentId] = d.status;
      if (!rows.has(d.studentId)) refreshStudents();
      render();
    }),
  );
  scope.onLeave(live.on('DONE', (d) => ours(d) && !finished && showSummary(d)));
  render();
  sync();
}

function finishDialog(className, confirm) {
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'finish-title' },
    h('h2', { id: 'finish-title' }, 'Finish the roll call?'),
    h(
      'p',
      {},
      `Students of ${className} who are not marked yet will be marked absent, and the roll call ` +
        'is saved. This cannot be undone.',
    ),
  );
  const yes = h('button', { type: 'button', class: 'danger' }, 'Finish and save');
  const no = h('button', { type: 'button', class: 'secondary' }, 'Keep marking');
  yes.addEventListener('click', () => {
    dialog.close();
    confirm();
  });
  no.addEventListener('click', () => dialog.close());
  dialog.append(h('div', { class: 'actions' }, no, yes));
  return dialog;
}
