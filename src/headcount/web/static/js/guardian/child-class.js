// One child's past statuses in one class, for their guardian.

import { api } from '../api.js';
import { back, h, heading, showError } from '../dom.js';
import { historyView } from '../student/history.js';

export async function childClass(root, scope, studentId, classId) {
  const title = heading('Past roll calls');
  root.append(back('#/', 'My children'), title);
  const history = historyView(
    () => api.childHistory(studentId, classId),
    'Past statuses, newest first',
  );
  let child;
  try {
    child = (await api.children()).find((c) => c.id === studentId);
  } catch (error) {
    showError(error);
  }
  const course = child?.classes.find((c) => c.id === classId);
  if (!scope.alive()) return;
  if (!course) {
    title.textContent = 'Class not available';
    return;
  }
  title.textContent = `${child.name}: ${course.className}`;
  document.title = `${title.textContent} · Headcount`;
  root.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'past-title' },
      h('h2', { id: 'past-title' }, 'Past roll calls'),
      history.element,
    ),
  );
  await history.load();
}
