// One class, for its teacher or a school administrator: start (or open) its roll call, its
// students and how to add more, its settings, and its history.

import { api } from '../api.js';
import { back, busy, field, h, heading, showError, when } from '../dom.js';
import { settingsSection } from './class-settings.js';
import { historySection } from './history.js';
import { studentsSection } from './students.js';

export async function classPage(root, scope, classId) {
  const title = heading('Class');
  const admin = scope.user.role === 'admin';
  root.append(admin ? back('#/classes', 'Classes') : back('#/', 'My classes'), title);
  let detail;
  let listing;
  try {
    [detail, listing] = await Promise.all([
      api.classDetail(classId),
      api.classes({ archived: true }),
    ]);
  } catch (error) {
    title.textContent = 'Class not available';
    showError(error);
    return;
  }
  title.textContent = detail.className;
  document.title = `${detail.className} · Headcount`;
  const listed = listing.find((c) => c.id === classId);
  const archived = listed?.archived ?? false;
  const reload = () => scope.alive() && scope.go(location.hash);
  if (archived) title.append(' ', h('span', { class: 'badge badge-muted' }, 'Archived'));
  const history = historySection(classId, detail);
  // A correction, from this device or another, changes the roll calls and the matrix.
  scope.onLeave(
    scope.live.on('ATTENDANCE_AMENDED', (d) => d.classId === classId && history.load()),
  );
  root.append(
    ...(archived ? [] : [startSection(scope, classId, listed?.activeSession ?? null)]),
    studentsSection(classId, detail, { archived }),
    settingsSection(classId, detail, { archived, reload }),
    history.element,
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
