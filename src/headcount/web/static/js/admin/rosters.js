// Importing a school's rosters (docs/roster-import.md): a OneRoster zip or the plain CSV is
// checked first (a dry run writes nothing), then imported; either way the page shows what
// changes, or every problem of the file by file, line and column.

import { api } from '../api.js';
import { back, field, h, heading, plural, showError } from '../dom.js';

const KINDS = [
  ['orgs', 'Schools'],
  ['users', 'Accounts'],
  ['classes', 'Classes'],
  ['enrollments', 'Enrolments'],
  ['guardianLinks', 'Guardian links'],
];
const COUNTS = ['created', 'updated', 'unchanged', 'archived', 'skipped'];
const INVALID = 'Invalid roster file';

export function rosterImport(root) {
  const file = h('input', {
    type: 'file',
    name: 'roster',
    accept: '.zip,.csv,application/zip,text/csv',
    required: true,
  });
  const check = h('button', { type: 'submit', value: 'check' }, 'Check');
  const apply = h('button', { type: 'submit', value: 'import', class: 'secondary' }, 'Import');
  const form = h(
    'form',
    {},
    field(
      'Roster file',
      file,
      'A OneRoster 1.1 CSV zip from your student information system, or a CSV with the ' +
        'columns className, teacherEmail, studentName, studentEmail (one line per enrolment).',
    ),
    h('p', { class: 'bulk-actions' }, check, apply),
  );
  const said = h('p', { role: 'status' });
  const outcome = h('div', {});
  let running = false;

  async function send(dryRun) {
    if (running) return;
    running = true;
    check.disabled = apply.disabled = true;
    said.textContent = dryRun ? 'Checking…' : 'Importing…';
    outcome.replaceChildren();
    try {
      const report = await api.importRoster(file.files[0], { dryRun });
      said.textContent = dryRun
        ? `${file.files[0].name} can be imported. Nothing has been written yet.`
        : `${file.files[0].name} imported.`;
      outcome.replaceChildren(summary(report), reportTable(report));
    } catch (error) {
      if (error.message !== INVALID || !error.errors.length) {
        said.textContent = '';
        showError(error);
        return;
      }
      said.textContent =
        `${file.files[0].name} cannot be imported: ${plural(error.errors.length, 'problem')}. ` +
        'Nothing was written.';
      outcome.replaceChildren(problemTable(error.errors));
    } finally {
      running = false;
      check.disabled = apply.disabled = false;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send(event.submitter?.value !== 'import');
  });
  file.addEventListener('change', () => {
    said.textContent = '';
    outcome.replaceChildren();
  });
  root.append(
    back('#/', 'School'),
    heading('Roster import'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'roster-file-title' },
      h('h2', { id: 'roster-file-title' }, 'Choose a file'),
      h(
        'p',
        {},
        '“Check” reads the whole file and says what importing it would change, writing ' +
          'nothing. “Import” applies it, all or nothing. Imported accounts have no password: ' +
          'give them setup codes from Accounts.',
      ),
      form,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'roster-result-title' },
      h('h2', { id: 'roster-result-title' }, 'Result'),
      said,
      outcome,
    ),
  );
}

function region(label, table) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: 0 }, table);
}

/** The counts that are not 0, kind by kind, in words: the report at a glance on a phone. */
function summary(report) {
  const lines = KINDS.map(([key, label]) => {
    const counts = COUNTS.filter((c) => report[key]?.[c]).map((c) => `${report[key][c]} ${c}`);
    return counts.length ? h('li', {}, h('strong', {}, label), ': ', counts.join(', ')) : null;
  });
  const changed = lines.filter(Boolean);
  return changed.length
    ? h('ul', { class: 'roster-summary' }, ...changed)
    : h('p', {}, 'The file holds no records.');
}

function reportTable(report) {
  const title = report.dryRun ? 'What importing would change' : 'What the import changed';
  return region(
    title,
    h(
      'table',
      { class: 'roster-report' },
      h('caption', {}, title),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Records'),
          ...COUNTS.map((c) =>
            h('th', { scope: 'col', class: 'num' }, c[0].toUpperCase() + c.slice(1)),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...KINDS.map(([key, label]) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, label),
            ...COUNTS.map((c) => h('td', { class: 'num' }, String(report[key]?.[c] ?? 0))),
          ),
        ),
      ),
    ),
  );
}

function problemTable(errors) {
  return region(
    'Problems in the file',
    h(
      'table',
      { class: 'roster-problems' },
      h('caption', {}, 'Problems in the file'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['File', 'Line', 'Column', 'Problem'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        ...errors.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, e.file),
            h('td', { class: 'num' }, e.line === null ? '—' : String(e.line)),
            h('td', {}, e.column ?? '—'),
            h('td', { class: 'problem' }, e.message),
          ),
        ),
      ),
    ),
  );
}
