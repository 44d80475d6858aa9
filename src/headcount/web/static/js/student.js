// The student's pages: my classes, one class (live status, check-in, past statuses), and the
// check-in link a teacher's QR code points to.

import { api } from './api.js';
import { back, busy, field, h, heading, notify, showError, statusLabel, when } from './dom.js';
import { isConnectionLost } from './live.js';

const POLL_MS = 15000; // the server announces no roll call's start, so ask now and then

export async function home(root) {
  const list = h('ul', { class: 'cards', 'aria-busy': 'true' });
  root.append(heading('My classes'), list);
  try {
    const classes = await api.classes();
    list.replaceChildren(
      ...classes.map((c) =>
        h(
          'li',
          { class: 'card' },
          h('h2', {}, h('a', { href: `#/class/${c.id}` }, c.className)),
          c.activeSession
            ? h('p', {}, h('span', { class: 'badge' }, 'Roll call running'), ' check in now')
            : h('p', { class: 'muted' }, 'No roll call running'),
        ),
      ),
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
    { class: 'inline-form' },
    field('Check-in code', code, 'The 6 digits your teacher shows.'),
    h('button', { type: 'submit' }, 'Check in'),
  );
  const history = h('div', { 'aria-busy': 'true' });
  root.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'now-title' },
      h('h2', { id: 'now-title' }, 'Roll call'),
      line,
      form,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'past-title' },
      h('h2', { id: 'past-title' }, 'My past statuses'),
      history,
    ),
  );

  function render() {
    line.dataset.status = status ?? 'none';
    if (running) line.textContent = `Roll call running. Your status: ${statusLabel(status)}.`;
    else if (finished)
      line.textContent = `The roll call has finished. Your status: ${statusLabel(status)}.`;
    else if (running === false) line.textContent = 'No roll call is running right now.';
    else if (live.status === 'offline')
      line.textContent = 'Offline: your status shows once back online.';
    else line.textContent = 'Connecting…';
  }

  async function loadHistory() {
    try {
      const rows = await api.myHistory(classId);
      history.replaceChildren(
        rows.length
          ? h(
              'table',
              {},
              h('caption', {}, 'My past statuses, newest first'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, 'Roll call'),
                  h('th', { scope: 'col' }, 'Status'),
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
                    h(
                      'td',
                      { class: r.status ? `st st-${r.status}` : 'st' },
                      statusLabel(r.status),
                    ),
                  ),
                ),
              ),
            )
          : h('p', { class: 'empty' }, 'No finished roll calls yet.'),
      );
    } catch (error) {
      showError(error);
    } finally {
      history.removeAttribute('aria-busy');
    }
  }

  const sync = () => {
    if (!live.isOpen()) return;
    live.state(classId).then(
      (state) => {
        running = state !== null;
        if (state) {
          finished = false;
          status = state.attendance[user.id] ?? null;
        }
        render();
      },
      (error) => isConnectionLost(error) || showError(error),
    );
  };
  const ours = (d) => d.classId === classId;
  scope.onLeave(live.on('open', sync));
  scope.onLeave(
    live.on('ATTENDANCE_MARKED', (d) => {
      if (!ours(d)) return;
      if (d.studentId === user.id) {
        status = d.status;
        running = true;
        finished = false;
        render();
      } else if (!running) {
        sync(); // someone else was marked: a roll call has started
      }
    }),
  );
  scope.onLeave(
    live.on('DONE', (d) => {
      if (!ours(d)) return;
      running = false;
      finished = true;
      status = status ?? 'absent'; // DONE marks everyone still unmarked absent
      render();
      loadHistory();
    }),
  );
  scope.onLeave(
    live.on('status', (s) => {
      if (running === undefined) render();
    }),
  );
  const poll = setInterval(() => running || sync(), POLL_MS);
  scope.onLeave(() => clearInterval(poll));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const result = await api.checkIn(classId, code.value.trim());
      code.value = '';
      status = result.status;
      running = true;
      finished = false;
      render();
      notify(`Checked in: ${statusLabel(result.status)}.`);
    });
  });

  render();
  sync();
  loadHistory();
}

/** Opened from the teacher's QR code: check in, then show the class. */
export async function checkInLink(root, scope, classId, code) {
  const message = h('p', { role: 'status' }, 'Checking you in…');
  root.append(heading('Check in'), message);
  try {
    const result = await api.checkIn(classId, code);
    notify(`Checked in: ${statusLabel(result.status)}.`);
    if (scope.alive()) scope.go(`#/class/${classId}`, { replace: true });
  } catch (error) {
    message.textContent = `Could not check in: ${error.message}`;
    root.append(
      h('p', {}, 'Type the code your teacher shows on the class page instead.'),
      h('p', {}, h('a', { href: `#/class/${classId}` }, 'Go to the class')),
    );
  }
}
