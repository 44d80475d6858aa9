// The teacher's pages: classes, one class (students, start, history), the live roll call, and the
// projector view of the rotating check-in code.

import { api } from './api.js';
import { busy, clock, field, h, notify, STATUSES, showError, statusLabel, when } from './dom.js';
import { isConnectionLost } from './live.js';
import { qrSvg } from './qr.js';

export const ROSTER_KEY = 'headcount.roster.';
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const setText = (element, text) => {
  if (element.textContent !== text) element.textContent = text;
};
const heading = (text) => h('h1', { tabindex: -1 }, text);
const back = (href, text) => h('p', { class: 'crumbs' }, h('a', { href }, `← ${text}`));

// ---- my classes -------------------------------------------------------------------------------

export async function home(root, scope) {
  const name = h('input', { name: 'className', required: true, maxlength: 200 });
  const form = h(
    'form',
    { class: 'inline-form' },
    field('Class name', name),
    h('button', { type: 'submit' }, 'Create class'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const created = await api.createClass(name.value);
      notify(`Class “${created.className}” created. Add its students next.`);
      scope.go(`#/class/${created.id}`);
    });
  });
  const list = h('ul', { class: 'cards', 'aria-busy': 'true' });
  root.append(
    heading('My classes'),
    h('section', { class: 'card' }, h('h2', {}, 'New class'), form),
    h('section', { 'aria-label': 'Classes' }, list),
  );
  try {
    const classes = await api.classes();
    list.replaceChildren(
      ...classes.map(classCard),
      ...(classes.length ? [] : [h('li', { class: 'empty' }, 'No classes yet: create one above.')]),
    );
  } catch (error) {
    showError(error);
  } finally {
    list.removeAttribute('aria-busy');
  }
}

function classCard(c) {
  return h(
    'li',
    { class: 'card' },
    h('h2', {}, h('a', { href: `#/class/${c.id}` }, c.className)),
    h('p', {}, plural(c.studentCount, 'student')),
    c.activeSession &&
      h(
        'p',
        {},
        h('span', { class: 'badge' }, 'Roll call running'),
        ' ',
        h('a', { href: `#/class/${c.id}/roll` }, 'Open the roll call'),
      ),
  );
}

// ---- one class --------------------------------------------------------------------------------

export async function classPage(root, scope, classId) {
  const title = heading('Class');
  root.append(back('#/', 'My classes'), title);
  let detail;
  let listing;
  try {
    [detail, listing] = await Promise.all([api.classDetail(classId), api.classes()]);
  } catch (error) {
    title.textContent = 'Class not available';
    showError(error);
    return;
  }
  title.textContent = detail.className;
  document.title = `${detail.className} · Headcount`;
  const active = listing.find((c) => c.id === classId)?.activeSession ?? null;
  root.append(
    startSection(scope, classId, active),
    studentsSection(classId, detail),
    historySection(classId, detail),
  );
}

function startSection(scope, classId, active) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'start-title' });
  section.append(h('h2', { id: 'start-title' }, 'Roll call'));
  if (active) {
    section.append(
      h('p', {}, `A roll call is running since ${when(active.startedAt)}.`),
      h('a', { class: 'button', href: `#/class/${classId}/roll` }, 'Open the roll call'),
    );
    return section;
  }
  const late = h('input', { type: 'number', name: 'lateAfterMinutes', min: 0, max: 240, step: 1 });
  const checkIn = h('input', { type: 'checkbox', name: 'checkIn', checked: true });
  const form = h(
    'form',
    {},
    field(
      'Late after (minutes, optional)',
      late,
      'Check-ins after this many minutes count as late.',
    ),
    h('label', { class: 'choice' }, checkIn, 'Students may check in with a code'),
    h('button', { type: 'submit' }, 'Start roll call'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const lateAfterMinutes = late.value === '' ? undefined : Number(late.value);
      await api.start(classId, { lateAfterMinutes, checkIn: checkIn.checked });
      scope.go(`#/class/${classId}/roll`);
    });
  });
  section.append(form);
  return section;
}

function studentsSection(classId, detail) {
  const enrolled = h('ul', { class: 'plain-list' });
  const count = h('span', {});
  const showEnrolled = () => {
    count.textContent = ` (${detail.students.length})`;
    enrolled.replaceChildren(
      ...detail.students.map((s) => h('li', {}, s.name, ' ', h('small', {}, s.email))),
      ...(detail.students.length ? [] : [h('li', { class: 'empty' }, 'No students yet.')]),
    );
  };
  showEnrolled();

  const query = h('input', { type: 'search', name: 'q', autocomplete: 'off', maxlength: 254 });
  const found = h('p', { class: 'muted', role: 'status' });
  const results = h('ul', { class: 'results' });
  const form = h(
    'form',
    { class: 'inline-form', role: 'search' },
    field('Search students by name or email', query),
    h('button', { type: 'submit' }, 'Search'),
  );
  let pending = null;

  async function search() {
    clearTimeout(pending);
    const term = query.value.trim();
    if (!term) {
      results.replaceChildren();
      found.textContent = '';
      return;
    }
    try {
      const students = await api.students(term);
      if (query.value.trim() !== term) return; // a newer search is on its way
      const inClass = new Set(detail.students.map((s) => s.id));
      found.textContent = students.length
        ? `${plural(students.length, 'student')} found.`
        : 'No student matches.';
      results.replaceChildren(...students.map((s) => resultRow(s, inClass.has(s.id))));
    } catch (error) {
      showError(error);
    }
  }

  function resultRow(s, inClass) {
    const action = inClass
      ? h('span', { class: 'muted' }, 'In this class')
      : h(
          'button',
          { type: 'button', 'aria-label': `Add ${s.name} (${s.email})`, onclick: () => add(s) },
          'Add',
        );
    return h('li', {}, h('span', {}, s.name, ' ', h('small', {}, s.email)), action);
  }

  async function add(s) {
    try {
      await api.addStudent(classId, s.id);
      detail.students = (await api.classDetail(classId)).students;
      showEnrolled();
      notify(`${s.name} added to the class.`);
      await search();
    } catch (error) {
      showError(error);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  query.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(search, 250);
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'students-title' },
    h('h2', { id: 'students-title' }, 'Students', count),
    enrolled,
    h('h3', {}, 'Add a student'),
    form,
    found,
    results,
  );
}

function tableRegion(label, table) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: 0 }, table);
}

function historySection(classId, detail) {
  const sessions = h('div', { 'aria-busy': 'true' });
  const matrix = h('div', { 'aria-busy': 'true' });
  const download = h('button', { type: 'button', class: 'secondary' }, 'Download CSV');
  download.addEventListener('click', async () => {
    download.disabled = true;
    try {
      const blob = await api.csv(classId);
      const url = URL.createObjectURL(blob);
      const safe = detail.className.replace(/[^\w-]+/g, '-').replace(/^-|-$/g, '') || 'class';
      const link = h('a', { href: url, download: `attendance-${safe}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      showError(error);
    } finally {
      download.disabled = false;
    }
  });

  api
    .sessions(classId)
    .then((rows) => {
      sessions.replaceChildren(
        ...(rows.length
          ? [
              h('p', { class: 'table-note' }, 'Newest first.'),
              tableRegion('Roll calls', sessionsTable(rows)),
            ]
          : [h('p', { class: 'empty' }, 'No roll calls yet.')]),
      );
    })
    .catch(showError)
    .finally(() => sessions.removeAttribute('aria-busy'));
  api
    .matrix(classId)
    .then((data) => {
      matrix.replaceChildren(
        ...(data.sessions.length
          ? [
              h(
                'p',
                { class: 'table-note' },
                'Finished roll calls, oldest first. Rate: present or late, out of the roll calls ' +
                  'with a status.',
              ),
              tableRegion('Attendance by student', matrixTable(data)),
            ]
          : [h('p', { class: 'empty' }, 'Nothing yet: this covers finished roll calls.')]),
      );
    })
    .catch(showError)
    .finally(() => matrix.removeAttribute('aria-busy'));

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    h('h3', {}, 'Roll calls'),
    sessions,
    h('div', { class: 'row-between' }, h('h3', {}, 'Attendance by student'), download),
    matrix,
  );
}

function sessionsTable(rows) {
  const cols = ['present', 'absent', 'late', 'excused', 'total'];
  return h(
    'table',
    {},
    h('caption', {}, 'Roll calls, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Started'),
        h('th', { scope: 'col' }, 'Ended'),
        cols.map((c) => h('th', { scope: 'col', class: 'num' }, statusLabel(c))),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, when(r.startedAt)),
          h('td', {}, r.endedAt ? when(r.endedAt) : 'running'),
          cols.map((c) => h('td', { class: 'num' }, String(r[c]))),
        ),
      ),
    ),
  );
}

function matrixTable({ sessions, students }) {
  const rate = (r) => (r === null ? '—' : `${Math.round(r * 100)}%`);
  return h(
    'table',
    {},
    h('caption', {}, 'Attendance by student'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Student'),
        sessions.map((s) => h('th', { scope: 'col' }, when(s.startedAt))),
        h('th', { scope: 'col', class: 'num' }, 'Rate'),
      ),
    ),
    h(
      'tbody',
      {},
      students.map((s) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, s.name),
          s.statuses.map((st) =>
            h('td', { class: st ? `st st-${st}` : 'st' }, st ? statusLabel(st) : '—'),
          ),
          h('td', { class: 'num' }, rate(s.rate)),
        ),
      ),
    ),
  );
}

// ---- the roll call ----------------------------------------------------------------------------

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

// ---- the rotating check-in code ---------------------------------------------------------------

/** The current code, a countdown and a QR code of the check-in link, renewed when it expires. */
function codePanel(classId, big) {
  const digits = h('p', { class: 'code-digits' }, '······');
  const countdown = h('p', { class: 'countdown muted' });
  const qr = h('div', { class: 'qr-box' });
  const link = h('p', { class: 'checkin-link muted' });
  const message = h('p', { class: 'code-message', hidden: true });
  const element = h(
    'section',
    { class: big ? 'code-panel big' : 'code-panel card', 'aria-labelledby': 'code-title' },
    h('h2', { id: 'code-title' }, 'Check-in code'),
    digits,
    countdown,
    message,
    qr,
    link,
  );
  let timer = null;
  let expires = null;
  let stopped = false;

  function tick() {
    const seconds = expires === null ? null : Math.ceil((expires - Date.now()) / 1000);
    countdown.textContent =
      seconds !== null && seconds > 0 && seconds <= 20 ? `New code in ${seconds} s` : '';
  }
  const ticker = setInterval(tick, 1000);

  async function refresh() {
    clearTimeout(timer);
    try {
      const current = await api.code(classId);
      if (stopped) return;
      digits.textContent = current.code;
      digits.setAttribute('aria-label', `Code ${current.code.split('').join(' ')}`);
      const url = `${location.origin}/#/check-in/${classId}/${current.code}`;
      qr.replaceChildren(qrSvg(url, `QR code of the check-in link for code ${current.code}`));
      link.textContent = url;
      message.hidden = true;
      element.classList.remove('closed');
      // A code stays valid one step after it expires, so a skewed clock can wait 10 s safely.
      const wait = Date.parse(current.expiresAt) - Date.now();
      const inStep = wait > 0 && wait <= 20000;
      expires = inStep ? Date.parse(current.expiresAt) : null;
      tick();
      timer = setTimeout(refresh, inStep ? wait + 250 : 10000);
    } catch (error) {
      if (stopped) return;
      message.textContent = error.message;
      message.hidden = false;
      element.classList.add('closed');
      digits.textContent = '······';
      qr.replaceChildren();
      link.textContent = '';
      expires = null;
      tick();
      if (error.status === 0 || error.status >= 500) timer = setTimeout(refresh, 5000);
    }
  }
  refresh();
  return {
    element,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(ticker);
    },
  };
}

export async function projector(root, scope, classId) {
  const { live } = scope;
  document.body.classList.add('projecting');
  const title = heading('Check in');
  const checkedIn = h('p', { class: 'checked-in', 'aria-live': 'polite' });
  root.append(title);
  let detail;
  try {
    detail = await api.classDetail(classId);
  } catch (error) {
    showError(error);
    return;
  }
  if (!scope.alive()) return;
  title.textContent = `Check in: ${detail.className}`;
  document.title = `${title.textContent} · Headcount`;
  const code = codePanel(classId, true);
  scope.onLeave(code.stop);
  const fullscreen = h('button', { type: 'button', class: 'secondary' }, 'Full screen');
  fullscreen.addEventListener('click', () => {
    const request = document.fullscreenElement
      ? document.exitFullscreen()
      : document.documentElement.requestFullscreen();
    request.catch(showError);
  });
  root.append(
    h(
      'p',
      { class: 'projector-help' },
      `Scan the QR code, or open ${location.host}, log in, choose ${detail.className} ` +
        'and type the code.',
    ),
    code.element,
    checkedIn,
    h(
      'p',
      { class: 'projector-actions' },
      h(
        'a',
        { class: 'button secondary', href: `#/class/${classId}/roll` },
        'Back to the roll call',
      ),
      fullscreen,
    ),
  );

  let server = {};
  const show = () => {
    const here = Object.values(server).filter((s) => s === 'present' || s === 'late').length;
    checkedIn.textContent = `${here} of ${detail.students.length} here`;
  };
  const ours = (d) => d.classId === classId;
  const sync = () => {
    if (!live.isOpen()) return;
    live.state(classId).then(
      (state) => {
        if (state === null) {
          code.stop();
          checkedIn.textContent = 'No roll call is running for this class.';
        } else {
          server = { ...state.attendance };
          show();
        }
      },
      (error) => isConnectionLost(error) || showError(error),
    );
  };
  scope.onLeave(live.on('open', sync));
  scope.onLeave(
    live.on('SESSION_STATE', (d) => {
      if (!ours(d)) return;
      server = { ...d.attendance };
      show();
    }),
  );
  scope.onLeave(
    live.on('ATTENDANCE_MARKED', (d) => {
      if (!ours(d)) return;
      server[d.studentId] = d.status;
      show();
    }),
  );
  scope.onLeave(
    live.on('DONE', (d) => {
      if (!ours(d)) return;
      code.stop();
      checkedIn.textContent = 'The roll call has finished.';
    }),
  );
  sync();
}

export function checkInLink(root) {
  root.append(
    heading('Check-in link'),
    h('p', {}, 'This link is for students: log in as a student to check in with it.'),
    h('p', {}, h('a', { href: '#/' }, 'Back to my classes')),
  );
}
