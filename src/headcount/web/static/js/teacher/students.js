// A class's students, for its teacher or a school administrator: who is enrolled (each can be
// removed), and a search of the school's students to add one, or many at once.

import { api } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { field, h, plural, showError } from '../dom.js';

export function studentsSection(classId, detail, { archived }) {
  const enrolled = h('ul', { class: 'plain-list' });
  const count = h('span', {});
  // One status line for the section: each message replaces the one before, so nothing piles up.
  const said = h('p', { class: 'muted', role: 'status' });
  let leaving = null; // the student the removal dialog asks about
  const removing = confirmDialog({
    title: 'Remove from the class?',
    yes: 'Remove',
    no: 'Cancel',
    danger: true,
    confirm: () => remove(leaving),
  });

  const showEnrolled = () => {
    count.textContent = ` (${detail.students.length})`;
    enrolled.replaceChildren(
      ...detail.students.map((s) => enrolledRow(s)),
      ...(detail.students.length ? [] : [h('li', { class: 'empty' }, 'No students yet.')]),
    );
  };

  function enrolledRow(s) {
    const who = h('span', {}, s.name, ' ', h('small', {}, s.email));
    if (archived) return h('li', {}, who);
    const button = h(
      'button',
      { type: 'button', class: 'secondary small', 'aria-label': `Remove ${s.name} (${s.email})` },
      'Remove',
    );
    button.addEventListener('click', () => {
      leaving = s;
      removing.ask(
        `${s.name} will no longer be in this class. Their past marks stay in its history.`,
      );
    });
    return h('li', { class: 'with-action' }, who, button);
  }

  async function remove(s) {
    try {
      await api.unenrol(classId, s.id);
      await changed(`${s.name} removed from the class.`);
    } catch (error) {
      showError(error);
    }
  }

  /** Reload the enrolment after a change, and say what changed. */
  async function changed(message) {
    detail.students = (await api.classDetail(classId)).students;
    showEnrolled();
    said.textContent = message;
  }

  showEnrolled();
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'students-title' },
    h('h2', { id: 'students-title' }, 'Students', count),
    enrolled,
    removing.element,
  );
  if (!archived) {
    section.append(h('h3', {}, 'Add students'), ...studentSearch(classId, detail, changed, said));
  } else {
    section.append(said);
  }
  return section;
}

const PAGE = 20;

/** Search the school's students; add one with its button, or tick several and add them in one
 * request (`POST /class/:id/students`: all or none). */
function studentSearch(classId, detail, changed, said) {
  const query = h('input', { type: 'search', name: 'q', autocomplete: 'off', maxlength: 254 });
  const results = h('ul', { class: 'results' });
  const more = h('button', { type: 'button', class: 'secondary' }, 'Show more');
  const selectAll = h('button', { type: 'button', class: 'secondary' }, 'Select all shown');
  const addSelected = h('button', { type: 'button' }, 'Add selected');
  const bulk = h('p', { class: 'bulk-actions' }, selectAll, addSelected, more);
  const form = h(
    'form',
    { class: 'inline-form', role: 'search' },
    field('Search students by name or email', query),
    h('button', { type: 'submit' }, 'Search'),
  );
  let pending = null;
  let listed = []; // the matches shown, in the server's order
  let complete = true; // false while the server has more matches than are shown
  const selected = new Set();

  function show() {
    const inClass = new Set(detail.students.map((s) => s.id));
    for (const id of selected) if (inClass.has(id)) selected.delete(id);
    results.replaceChildren(...listed.map((s) => resultRow(s, inClass.has(s.id))));
    more.hidden = complete;
    selectAll.hidden = listed.filter((s) => !inClass.has(s.id)).length < 2;
    showSelection();
  }

  /** The bulk buttons follow the ticks; the rows are left alone, so focus stays on the tick. */
  function showSelection() {
    addSelected.hidden = selectAll.hidden && selected.size === 0;
    addSelected.disabled = selected.size === 0;
    addSelected.textContent = selected.size
      ? `Add ${plural(selected.size, 'selected student')}`
      : 'Add selected';
    bulk.hidden = more.hidden && selectAll.hidden && addSelected.hidden;
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
      selected.clear();
      show();
      said.textContent = '';
      return;
    }
    try {
      const offset = next ? listed.length : 0;
      const page = await api.students(term, { limit: PAGE + 1, offset });
      if (query.value.trim() !== term) return; // a newer search is on its way
      if (!next) selected.clear();
      listed = [...(next ? listed : []), ...page.slice(0, PAGE)];
      complete = page.length <= PAGE;
      show();
      said.textContent = countLine();
    } catch (error) {
      showError(error);
    }
  }

  function resultRow(s, inClass) {
    const who = h('span', {}, s.name, ' ', h('small', {}, s.email));
    if (inClass) return h('li', {}, who, h('span', { class: 'muted' }, 'In this class'));
    const tick = h('input', {
      type: 'checkbox',
      'aria-label': `Select ${s.name} (${s.email})`,
      checked: selected.has(s.id),
    });
    tick.addEventListener('change', () => {
      if (tick.checked) selected.add(s.id);
      else selected.delete(s.id);
      showSelection();
    });
    const add = h('button', { type: 'button', 'aria-label': `Add ${s.name} (${s.email})` }, 'Add');
    add.addEventListener('click', () => enrol([s.id], `${s.name} added to the class.`));
    return h('li', {}, h('label', { class: 'pick' }, tick, who), add);
  }

  async function enrol(ids, message) {
    try {
      await api.enrol(classId, ids);
      selected.clear();
      await changed(message);
      show();
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
  selectAll.addEventListener('click', () => {
    const inClass = new Set(detail.students.map((s) => s.id));
    for (const s of listed) if (!inClass.has(s.id)) selected.add(s.id);
    show();
  });
  addSelected.addEventListener('click', () =>
    enrol([...selected], `${plural(selected.size, 'student')} added to the class.`),
  );
  show();
  return [form, said, results, bulk];
}
