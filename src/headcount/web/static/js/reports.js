// The school-wide reports (docs/records.md §3), for a teacher's classes and an administrator's
// schools alike: pick a report, its range and parameters; read it as a table; download its CSV.

import { api } from './api.js';
import { back, busy, field, h, heading, notify, plural, saveFile, showError } from './dom.js';

const percent = (r) => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`);
// A UTC day as people read it (the server counts sessions by their UTC day).
const day = (iso) =>
  new Date(iso).toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const text = (value) => String(value);
const STUDENT = [
  ['Student', (r) => r.name, 'row'],
  ['Email', (r) => r.email],
];
const TOTALS = ['sessions', 'present', 'late', 'absent', 'excused'].map((key) => [
  key[0].toUpperCase() + key.slice(1),
  (r) => text(r[key]),
  'num',
]);

const REPORTS = {
  students: {
    title: 'Attendance by student',
    columns: [...STUDENT, ...TOTALS, ['Attendance rate', (r) => percent(r.rate), 'num']],
    empty: 'No finished roll calls in this range.',
  },
  'chronic-absence': {
    title: 'Chronic absence',
    columns: [
      ...STUDENT,
      ...TOTALS,
      ['Absence rate', (r) => percent(r.absenceRate), 'num'],
      ['Attendance rate', (r) => percent(r.rate), 'num'],
    ],
    empty: 'No student reaches the threshold in this range.',
  },
  'absence-streaks': {
    title: 'Absence streaks',
    columns: [
      ...STUDENT,
      ['Class', (r) => r.className],
      ['Missed in a row', (r) => text(r.length), 'num'],
      ['First missed', (r) => day(r.firstSessionAt)],
      ['Last missed', (r) => day(r.lastSessionAt)],
    ],
    empty: 'No streaks of missed roll calls in this range.',
  },
  'not-taken': {
    title: 'Roll calls not taken',
    columns: [
      ['Class', (r) => r.className, 'row'],
      ['Teacher', (r) => r.teacherName],
      ['Last taken', (r) => day(r.lastTakenAt)],
    ],
    empty: 'Every class that usually has a roll call on this weekday had one.',
  },
};

const input = (name, attrs) => h('input', { name, ...attrs });

export function reports(root, scope) {
  const today = new Date().toISOString().slice(0, 10);
  const kind = h(
    'select',
    { name: 'report' },
    ...Object.entries(REPORTS).map(([value, r]) => h('option', { value }, r.title)),
  );
  const from = input('from', { type: 'date' });
  const to = input('to', { type: 'date', value: today });
  const date = input('date', { type: 'date', value: today });
  const threshold = input('threshold', {
    type: 'number',
    min: 1,
    max: 100,
    step: 'any',
    value: 10,
  });
  const minSessions = input('minSessions', { type: 'number', min: 1, step: 1, value: 10 });
  const min = input('min', { type: 'number', min: 1, step: 1, value: 3 });
  const groups = {
    range: h('div', { class: 'inline-form' }, field('From', from), field('To', to)),
    date: field('Date', date),
    chronic: h(
      'div',
      { class: 'inline-form' },
      field('Absent at least (%)', threshold),
      field('Minimum roll calls', minSessions),
    ),
    streaks: field('Missed in a row, at least', min),
  };
  const shows = {
    students: ['range'],
    'chronic-absence': ['range', 'chronic'],
    'absence-streaks': ['range', 'streaks'],
    'not-taken': ['date'],
  };
  const showFields = () => {
    for (const [name, group] of Object.entries(groups)) {
      group.hidden = !shows[kind.value].includes(name);
    }
  };
  kind.addEventListener('change', showFields);
  showFields();

  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Choose a report' },
    field('Report', kind),
    ...Object.values(groups),
    h('button', { type: 'submit' }, 'Show report'),
  );
  const result = h('section', { 'aria-live': 'polite' });
  const home = scope.user.role === 'admin' ? 'School' : 'My classes';
  root.append(back('#/', home), heading('Reports'), form, result);

  const query = () => {
    const name = kind.value;
    if (name === 'not-taken') return { date: date.value };
    const q = { from: from.value, to: to.value };
    if (name === 'chronic-absence') {
      q.threshold = threshold.value && Number(threshold.value) / 100;
      q.minSessions = minSessions.value;
    }
    if (name === 'absence-streaks') q.min = min.value;
    return q;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = kind.value;
    const asked = query();
    if (asked.from && asked.to && asked.from > asked.to) {
      notify('“From” must not be after “To”.', { error: true });
      return;
    }
    busy(form, async () => {
      const rows = await api.report(name, asked);
      if (scope.alive()) result.replaceChildren(...shown(name, asked, rows));
    });
  });
}

function shown(name, asked, rows) {
  const report = REPORTS[name];
  const download = h('button', { type: 'button', class: 'secondary' }, 'Download CSV');
  download.addEventListener('click', async () => {
    download.disabled = true;
    try {
      saveFile(await api.reportCsv(name, asked), `${name}.csv`);
    } catch (error) {
      showError(error);
    } finally {
      download.disabled = false;
    }
  });
  const title = h('h2', { id: 'report-title' }, report.title);
  if (!rows.length) return [title, h('p', { role: 'status' }, report.empty)];
  const cell = (value, kindOf) =>
    kindOf === 'row'
      ? h('th', { scope: 'row' }, value)
      : h('td', { class: kindOf === 'num' ? 'num' : undefined }, value);
  const table = h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...report.columns.map(([label, , kindOf]) =>
          h('th', { scope: 'col', class: kindOf === 'num' ? 'num' : undefined }, label),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h('tr', {}, ...report.columns.map(([, get, kindOf]) => cell(get(r), kindOf))),
      ),
    ),
  );
  return [
    h('div', { class: 'row-between' }, title, download),
    h('p', { role: 'status' }, plural(rows.length, 'row')),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-labelledby': 'report-title', tabindex: 0 },
      table,
    ),
  ];
}
