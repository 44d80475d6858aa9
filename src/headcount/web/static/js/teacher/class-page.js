// One class, for its teacher: start (or open) its roll call, its students and how to add more,
// and its history.

import { api } from '../api.js';
import { back, busy, field, h, heading, plural, showError, when } from '../dom.js';
import { historySection } from './history.js';

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
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'students-title' },
    h('h2', { id: 'students-title' }, 'Students', count),
    enrolled,
    h('h3', {}, 'Add a student'),
    ...studentSearch(classId, detail, showEnrolled),
  );
}

const PAGE = 20;

/** Search the school's students and add them. One status line says how many matched, or who
 * was just added: each message replaces the one before, so nothing piles up over the list. */
function studentSearch(classId, detail, showEnrolled) {
  const query = h('input', { type: 'search', name: 'q', autocomplete: 'off', maxlength: 254 });
  const said = h('p', { class: 'muted', role: 'status' });
  const results = h('ul', { class: 'results' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more');
  const form = h(
    'form',
    { class: 'inline-form', role: 'search' },
    field('Search students by name or email', query),
    h('button', { type: 'submit' }, 'Search'),
  );
  let pending = null;
  let listed = []; // the matches shown, in the server's order
  let complete = true; // false while the server has more matches than are shown

  function show() {
    const inClass = new Set(detail.students.map((s) => s.id));
    results.replaceChildren(...listed.map((s) => resultRow(s, inClass.has(s.id))));
    more.hidden = complete;
  }

  function countLine() {
    if (!complete) {
      return `Showing the first ${listed.length} matches; more students match. Narrow the search, or show more.`;
    }
    return listed.length ? `${plural(listed.length, 'student')} found.` : 'No student matches.';
  }

  /** The first page of matches, or with `next` the page after those shown. One more than a
   * page is asked for, so the count never claims that what is shown is all there is. */
  async function search({ next = false } = {}) {
    clearTimeout(pending);
    const term = query.value.trim();
    if (!term) {
      listed = [];
      complete = true;
      show();
      said.textContent = '';
      return;
    }
    try {
      const offset = next ? listed.length : 0;
      const page = await api.students(term, { limit: PAGE + 1, offset });
      if (query.value.trim() !== term) return; // a newer search is on its way
      listed = [...(next ? listed : []), ...page.slice(0, PAGE)];
      complete = page.length <= PAGE;
      show();
      said.textContent = countLine();
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
      show();
      said.textContent = `${s.name} added to the class.`;
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
  more.addEventListener('click', () => search({ next: true }));
  return [form, said, results, more];
}
