// One finished roll call, for its class's teacher or an administrator: each student's stored
// status, changing one with a reason, and the roll call's audit trail. Corrections made
// elsewhere (ATTENDANCE_AMENDED) show at once.

import { api } from '../api.js';
import { back, h, heading, showError, statusLabel, when } from '../dom.js';
import { changeDialog } from './correct.js';

const SOURCE_WORDS = {
  ws: 'marked',
  rest: 'marked',
  socketio: 'marked',
  checkin: 'checked in',
  done: 'not marked: absent when the roll call finished',
  excusal: 'excused in advance',
};

export async function sessionPage(root, scope, classId, sessionId) {
  const { live, user } = scope;
  const title = heading('Roll call');
  root.append(back(`#/class/${classId}`, 'Class'), title);
  let detail;
  let matrix;
  try {
    [detail, matrix] = await Promise.all([api.classDetail(classId), api.matrix(classId)]);
  } catch (error) {
    title.textContent = 'Roll call not available';
    showError(error);
    return;
  }
  if (!scope.alive()) return;
  const column = matrix.sessions.findIndex((s) => s.sessionId === sessionId);
  if (column < 0) {
    title.textContent = 'Roll call not available';
    root.append(
      h(
        'p',
        { class: 'card' },
        'This roll call is not finished (or is not one of this class’s): only a finished roll ' +
          'call can be corrected.',
      ),
    );
    return;
  }
  const started = when(matrix.sessions[column].startedAt);
  title.textContent = `${detail.className}: roll call of ${started}`;
  document.title = `${title.textContent} · Headcount`;

  const students = matrix.students
    .filter((s) => s.statuses[column])
    .map((s) => ({ id: s.id, name: s.name, status: s.statuses[column] }));
  const byId = new Map(students.map((s) => [s.id, s]));
  const nameOf = (id) => byId.get(id)?.name ?? detail.students.find((s) => s.id === id)?.name;
  const who = (actorId) => {
    if (actorId === user.id) return `${user.name} (you)`;
    if (actorId === detail.teacherId) return 'The class’s teacher';
    return nameOf(actorId) ?? 'An administrator';
  };

  const list = h('ul', { class: 'stored-list' });
  const trail = h('div', { 'aria-busy': 'true' });
  const change = changeDialog(classId, sessionId, (result) => amended(result));
  root.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'stored-title' },
      h('h2', { id: 'stored-title' }, 'Stored statuses'),
      h('p', { class: 'muted' }, 'A change needs a reason; the history below keeps both.'),
      list,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'trail-title' },
      h('h2', { id: 'trail-title' }, 'History of this roll call'),
      h('p', { class: 'table-note' }, 'Oldest first.'),
      trail,
    ),
    change.element,
  );

  function renderList() {
    list.replaceChildren(
      ...students.map((s) =>
        h(
          'li',
          { class: 'stored-row' },
          h('span', { class: 'stored-name' }, s.name),
          h('span', { class: `status st st-${s.status}` }, statusLabel(s.status)),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': `Change: ${s.name}`,
              onclick: () => change.open(s, s.status),
            },
            'Change…',
          ),
        ),
      ),
    );
  }

  function what(event) {
    const name = nameOf(event.studentId) ?? 'A student';
    if (event.source === 'amend') {
      const from = statusLabel(event.previousStatus);
      return `${name}: ${from} → ${statusLabel(event.status)} (corrected)`;
    }
    const words = SOURCE_WORDS[event.source] ?? event.source;
    const ignored = event.applied ? '' : ' — not applied (a newer mark won)';
    return `${name}: ${statusLabel(event.status)}, ${words}${ignored}`;
  }

  async function loadTrail() {
    try {
      const events = await api.events(classId, sessionId);
      if (!scope.alive()) return;
      trail.replaceChildren(
        h(
          'ol',
          { class: 'trail' },
          events.map((e) =>
            h(
              'li',
              { class: e.source === 'amend' ? 'trail-item trail-amend' : 'trail-item' },
              h('p', { class: 'trail-what' }, what(e)),
              h('p', { class: 'muted' }, `${when(e.receivedAt)} · ${who(e.actorId)}`),
              e.reason ? h('p', { class: 'trail-reason' }, `Reason: ${e.reason}`) : null,
            ),
          ),
        ),
      );
    } catch (error) {
      showError(error);
    } finally {
      trail.removeAttribute('aria-busy');
    }
  }

  function amended({ studentId, status }) {
    const student = byId.get(studentId);
    if (!student) return;
    student.status = status;
    renderList();
    loadTrail();
  }

  scope.onLeave(
    live.on('ATTENDANCE_AMENDED', (d) => {
      if (d.classId === classId && d.sessionId === sessionId) amended(d);
    }),
  );
  renderList();
  loadTrail();
}
