// The administrator's school: which schools they manage, and the way to its accounts and its
// classes (each class opens the same page its teacher sees, with the same powers).

import { api } from '../api.js';
import { back, h, heading, plural, showError } from '../dom.js';

const TYPES = { district: 'District', school: 'School' };

export async function schoolHome(root) {
  const list = h('ul', { class: 'plain-list', 'aria-busy': 'true' });
  root.append(
    heading('School'),
    h(
      'nav',
      { class: 'cards', 'aria-label': 'Administration' },
      h(
        'a',
        { class: 'card nav-card', href: '#/accounts' },
        h('strong', {}, 'Accounts'),
        h('span', {}, 'Find, create and deactivate accounts; issue setup codes.'),
      ),
      h(
        'a',
        { class: 'card nav-card', href: '#/classes' },
        h('strong', {}, 'Classes'),
        h('span', {}, 'Rename, archive and restore classes; manage their students.'),
      ),
      h(
        'a',
        { class: 'card nav-card', href: '#/rosters' },
        h('strong', {}, 'Roster import'),
        h('span', {}, 'Check and import a OneRoster zip or a CSV of classes and students.'),
      ),
      h(
        'a',
        { class: 'card nav-card', href: '#/webhooks' },
        h('strong', {}, 'Webhooks'),
        h('span', {}, 'Send attendance events to other systems; see and resend deliveries.'),
      ),
      h(
        'a',
        { class: 'card nav-card', href: '#/reports' },
        h('strong', {}, 'Reports'),
        h('span', {}, 'Attendance rates, chronic absence, absence streaks, roll calls not taken.'),
      ),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'schools-title' }, [
      h('h2', { id: 'schools-title' }, 'Schools you manage'),
      list,
    ]),
  );
  try {
    const schools = await api.schools();
    list.replaceChildren(
      ...schools.map((s) => h('li', {}, s.name, ' ', h('small', {}, TYPES[s.type] ?? s.type))),
    );
  } catch (error) {
    showError(error);
  } finally {
    list.removeAttribute('aria-busy');
  }
}

export async function schoolClasses(root) {
  const archived = h('input', { type: 'checkbox', name: 'archived' });
  const list = h('ul', { class: 'cards', 'aria-busy': 'true' });
  root.append(
    back('#/', 'School'),
    heading('Classes'),
    h('p', {}, h('label', { class: 'choice' }, archived, 'Show archived classes')),
    h('section', { 'aria-label': 'Classes' }, list),
  );
  let classes = [];
  let teachers = new Map();
  const show = () => {
    const shown = classes.filter((c) => archived.checked || !c.archived);
    list.replaceChildren(
      ...shown.map((c) => classCard(c, teachers.get(c.teacherId))),
      ...(shown.length ? [] : [h('li', { class: 'empty' }, 'No classes.')]),
    );
  };
  archived.addEventListener('change', show);
  try {
    const [listing, staff] = await Promise.all([
      api.classes({ archived: true }),
      api.accounts({ role: 'teacher', limit: 500 }),
    ]);
    classes = listing;
    teachers = new Map(staff.map((t) => [t.id, t.name]));
    show();
  } catch (error) {
    showError(error);
  } finally {
    list.removeAttribute('aria-busy');
  }
}

function classCard(c, teacher) {
  return h(
    'li',
    { class: 'card' },
    h('h2', {}, h('a', { href: `#/class/${c.id}` }, c.className)),
    h('p', {}, [teacher ?? 'Teacher not listed', ' · ', plural(c.studentCount, 'student')]),
    c.archived && h('p', {}, h('span', { class: 'badge badge-muted' }, 'Archived')),
    c.activeSession && h('p', {}, h('span', { class: 'badge' }, 'Roll call running')),
  );
}
