// The live roll call: the roster and its counts, the marks not sent yet, the check-in code beside
// them, marking everyone left as present, and finishing.

import { api } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { back, h, heading, notify, plural, setText, showError } from '../dom.js';
import { isConnectionLost } from '../live.js';
import { codePanel } from './code-panel.js';
import { lateMarksOffer } from './correct.js';
import { countsView, rosterView, unsentView } from './roster.js';

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

  let running; // undefined until the server said; then true, or null when none runs
  let sessionId = null;
  let finished = null; // DONE's counts, once the roll call has finished

  const nameOf = (id) => detail.students.find((s) => s.id === id)?.name ?? id;
  const counts = countsView();
  const notice = h('p', { class: 'notice', role: 'status' });
  const unsent = unsentView(nameOf);
  const roster = rosterView((studentId, status) => {
    live.mark(classId, studentId, status);
    render();
  });
  const summary = h('section', { class: 'card summary', hidden: true, tabindex: -1 });
  const corrected = h('p', { class: 'corrected', hidden: true }); // after a correction
  // The roll call this page followed, or else the newest finished one: marks that came back too
  // late belong to the roll call that was running when they were made.
  const sessionOf = async () => sessionId ?? (await api.sessions(classId))[0].sessionId;
  const late = lateMarksOffer(classId, nameOf, sessionOf);
  const rest = h('button', { type: 'button', class: 'secondary' }, 'Mark the rest present…');
  const finishButton = h('button', { type: 'button', class: 'danger' }, 'Finish roll call…');
  const hint = h('p', { class: 'muted' });
  const actions = h('div', { class: 'rollcall-actions' }, h('p', {}, rest, finishButton), hint);
  const code = codePanel(classId, false);
  scope.onLeave(code.stop);
  const finishing = confirmDialog({
    title: 'Finish the roll call?',
    yes: 'Finish and save',
    no: 'Keep marking',
    danger: true,
    confirm: () => finish(),
  });
  const marking = confirmDialog({
    title: 'Mark the rest present?',
    yes: 'Mark present',
    no: 'Cancel',
    confirm: () => markRest(),
  });

  root.append(
    h(
      'div',
      { class: 'rollcall' },
      h(
        'div',
        { class: 'rollcall-main' },
        summary,
        late.element,
        counts.element,
        notice,
        unsent.element,
        roster.element,
        actions,
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
    finishing.element,
    marking.element,
  );
  detail.students.forEach(roster.add);

  const unmarked = (shown) => roster.ids().filter((id) => !shown[id]);

  function render() {
    localStorage.setItem(saved, JSON.stringify({ detail, server }));
    const { shown, pending } = displayed(live, classId, server);
    const closed = Boolean(finished) || running === null;
    counts.show(roster.show(shown, pending, closed));
    const mine = live.unsent(classId);
    unsent.show(mine);
    let words = '';
    if (finished) words = '';
    else if (running === null) words = 'No roll call is running for this class.';
    else if (live.status === 'offline')
      words = 'Offline: keep marking; the marks are sent when the connection is back.';
    else if (live.status === 'connecting')
      words = 'Connecting to the server… Marks are kept on this device until they are sent.';
    setText(notice, words);
    actions.hidden = closed;
    rest.disabled = unmarked(shown).length === 0;
    finishButton.disabled = live.status !== 'online' || mine.length > 0 || running === undefined;
    if (closed || !finishButton.disabled) words = '';
    else if (live.status !== 'online') words = 'Finishing needs a connection.';
    else if (mine.length) words = 'Finishing waits until every mark is sent.';
    else words = 'Waiting for the server…';
    setText(hint, words);
  }

  function applyState(state) {
    if (state === null && sessionId) return showEndedElsewhere(); // while this page was away
    if (state === null) {
      running = null;
      code.close('No roll call is running, so there is no code.');
    } else {
      running = true;
      sessionId = state.sessionId;
      server = { ...state.attendance };
      if (Object.keys(server).some((id) => !roster.has(id))) refreshStudents();
    }
    render();
  }

  async function refreshStudents() {
    try {
      detail.students = (await api.classDetail(classId)).students;
      detail.students.filter((s) => !roster.has(s.id)).forEach(roster.add);
      render();
    } catch (error) {
      showError(error);
    }
  }

  /** Everyone not marked yet becomes present, through the outbox like any tap. */
  function markRest() {
    for (const id of unmarked(displayed(live, classId, server).shown)) {
      live.mark(classId, id, 'present');
    }
    render();
  }

  /** DONE: show what was stored, which is what DONE did to the roster we know. */
  function showFinished(data) {
    const left = unmarked(server).length;
    finished = data;
    code.close('The roll call has finished.');
    // DONE marks every student still unmarked absent, in the same transaction.
    for (const id of roster.ids()) server[id] ??= 'absent';
    const note = left
      ? ` ${plural(left, 'student')} not marked before finishing counted as absent.`
      : '';
    summarise(`The roll call is saved. ${tally(data)}${note}`);
    loadStored();
  }

  /** The roll call ended while this page was not listening (offline, or asleep): no DONE
   * arrived, so what was stored is read back and said. */
  async function showEndedElsewhere() {
    finished = { elsewhere: true };
    code.close('The roll call has finished.');
    render();
    await loadStored();
    summarise(`The roll call was finished on another device and saved. ${tally(stored())}`);
  }

  /** What the roster shows as stored, counted. */
  function stored() {
    const by = { present: 0, absent: 0, late: 0, excused: 0 };
    for (const id of roster.ids()) if (server[id]) by[server[id]] += 1;
    return { ...by, total: by.present + by.absent + by.late + by.excused };
  }

  const tally = (c) =>
    `Present ${c.present}, absent ${c.absent}, late ${c.late}, excused ${c.excused}: ` +
    `${plural(c.total, 'student')}.`;

  function summarise(words) {
    summary.hidden = false;
    summary.replaceChildren(
      h('h2', {}, 'Roll call finished'),
      h('p', {}, words),
      corrected,
      h(
        'p',
        { class: 'actions' },
        sessionId
          ? h(
              'a',
              { class: 'button secondary', href: `#/class/${classId}/roll-calls/${sessionId}` },
              'Correct a status',
            )
          : null,
        h('a', { class: 'button', href: `#/class/${classId}` }, 'Back to the class'),
      ),
    );
    render();
    summary.focus();
  }

  /** The statuses as stored, from the attendance matrix, in case a broadcast never arrived. */
  async function loadStored() {
    try {
      const matrix = await api.matrix(classId);
      const ids = matrix.sessions.map((s) => s.sessionId);
      const column = sessionId ? ids.indexOf(sessionId) : ids.length - 1;
      if (column < 0 || !scope.alive()) return;
      for (const s of matrix.students) server[s.id] = s.statuses[column];
      render();
    } catch (error) {
      showError(error);
    }
  }

  async function finish() {
    finishButton.disabled = true;
    try {
      const data = await live.finish(classId);
      if (!finished) showFinished(data); // the DONE broadcast may have shown it already
    } catch (error) {
      const dropped = new Error('Not finished: the connection dropped. Try again.');
      showError(isConnectionLost(error) ? dropped : error);
      render();
    }
  }

  finishButton.addEventListener('click', () =>
    finishing.ask(
      `Students of ${detail.className} who are not marked yet will be marked absent, and the ` +
        'roll call is saved. This cannot be undone.',
    ),
  );
  rest.addEventListener('click', () => {
    const n = unmarked(displayed(live, classId, server).shown).length;
    marking.ask(
      `${plural(n, 'student')} not marked yet will be marked present. ` +
        'Students already marked keep their status.',
    );
  });

  const sync = () => {
    if (!live.isOpen() || finished) return;
    live.state(classId).then(applyState, (error) => isConnectionLost(error) || showError(error));
  };
  const ours = (data) => data.classId === classId;
  scope.onLeave(live.on('open', sync));
  scope.onLeave(live.on('status', render));
  scope.onLeave(live.on('outbox', render));
  scope.onLeave(live.on('SESSION_STATE', (d) => ours(d) && !finished && applyState(d)));
  scope.onLeave(
    live.on('ATTENDANCE_MARKED', (d) => {
      if (!ours(d)) return;
      server[d.studentId] = d.status;
      if (!roster.has(d.studentId)) refreshStudents();
      render();
    }),
  );
  scope.onLeave(live.on('DONE', (d) => ours(d) && !finished && showFinished(d)));
  scope.onLeave(live.on('discarded', (d) => ours(d) && late.offer(d.marks)));
  scope.onLeave(
    live.on('ATTENDANCE_AMENDED', (d) => {
      if (!ours(d) || d.sessionId !== sessionId) return;
      server[d.studentId] = d.status;
      corrected.hidden = false;
      corrected.textContent = `Corrected since: ${tally(stored())}`;
      render();
    }),
  );
  render();
  sync();
}
