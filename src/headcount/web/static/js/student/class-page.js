// One class, for a student: the roll call's state and their status in it, live; the check-in
// form while a roll call with self check-in runs; their past statuses.

import { api } from '../api.js';
import { back, busy, field, h, heading, notify, setText, showError, statusLabel } from '../dom.js';
import { isConnectionLost } from '../live.js';
import { historyView } from './history.js';
import { CHECK_IN_CLOSED, NO_SESSION, STATE_WORDS } from './words.js';

export async function classPage(root, scope, classId) {
  const { live, user } = scope;
  const title = heading('Class');
  root.append(back('#/', 'My classes'), title);

  try {
    const detail = await api.classDetail(classId);
    title.textContent = detail.className;
    document.title = `${detail.className} · Headcount`;
  } catch (error) {
    title.textContent = 'Class not available';
    showError(error);
    return;
  }
  if (!scope.alive()) return;

  let running; // undefined: not known yet; false: none; true: a roll call runs
  let sessionId = null;
  let closedFor = null; // the session whose check-in the server said is off
  let status = null;
  let finished = false;

  const line = h('p', { class: 'my-status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const code = h('input', {
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: 6,
    required: true,
  });
  const form = h(
    'form',
    { class: 'inline-form', hidden: true },
    field('Check-in code', code, 'The 6 digits your teacher shows.'),
    h('button', { type: 'submit' }, 'Check in'),
  );
  const note = h('p', { class: 'muted', role: 'status' });
  const history = historyView(() => api.myHistory(classId));
  root.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'now-title' },
      h('h2', { id: 'now-title' }, 'Roll call'),
      line,
      form,
      note,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'past-title' },
      h('h2', { id: 'past-title' }, 'My past statuses'),
      history.element,
    ),
  );

  function render() {
    line.dataset.status = status ?? 'none';
    let words;
    if (running) words = `Roll call running. Your status: ${statusLabel(status)}.`;
    else if (finished) words = `The roll call has finished. Your status: ${statusLabel(status)}.`;
    else if (running === false) words = 'No roll call is running right now.';
    else if (live.status === 'offline') words = 'Offline: your status shows once back online.';
    else words = 'Connecting…';
    setText(line, words);
    const off = running && closedFor !== null && closedFor === sessionId;
    // The form only while it can work: a roll call runs and the server has not said check-in
    // is off (it says so only when asked, so the first try can still find out).
    form.hidden = !running || off;
    setText(note, off ? STATE_WORDS[CHECK_IN_CLOSED] : '');
  }

  const sync = () => {
    if (!live.isOpen()) return;
    live.state(classId).then(
      (state) => {
        running = state !== null;
        if (state) {
          finished = false;
          sessionId = state.sessionId;
          status = state.attendance[user.id] ?? null;
        }
        render();
      },
      (error) => isConnectionLost(error) || showError(error),
    );
  };
  const ours = (d) => d.classId === classId;
  scope.onLeave(live.on('open', sync));
  scope.onLeave(live.on('SESSION_STARTED', (d) => ours(d) && sync()));
  scope.onLeave(
    live.on('ATTENDANCE_MARKED', (d) => {
      if (!ours(d) || d.studentId !== user.id) return;
      status = d.status;
      if (!running) sync(); // a roll call this page has not heard of: learn which
      render();
    }),
  );
  scope.onLeave(
    live.on('DONE', (d) => {
      if (!ours(d)) return;
      running = false;
      finished = true;
      status = status ?? 'absent'; // DONE marks everyone still unmarked absent
      render();
      history.load();
    }),
  );
  scope.onLeave(
    live.on('ATTENDANCE_AMENDED', (d) => {
      if (!ours(d) || d.studentId !== user.id) return;
      if (!running) status = d.status; // a correction of the roll call that finished
      render();
      history.load();
    }),
  );
  scope.onLeave(live.on('status', () => running === undefined && render()));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      try {
        const result = await api.checkIn(classId, code.value.trim());
        code.value = '';
        status = result.status;
        notify(`Checked in: ${statusLabel(result.status)}.`);
      } catch (error) {
        if (error.message === CHECK_IN_CLOSED) closedFor = sessionId;
        else if (error.message === NO_SESSION) sync();
        else throw error;
      }
      render();
    });
  });

  render();
  sync();
  history.load();
}
