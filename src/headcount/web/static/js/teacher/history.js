// A class's history: its roll calls, the attendance matrix of the finished ones, and the CSV.
// `load()` reads it again (after a correction, say).

import { api } from '../api.js';
import { h, saveFile, showError, statusLabel, when } from '../dom.js';

function tableRegion(label, table) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: 0 }, table);
}

export function historySection(classId, detail) {
  const sessions = h('div', { 'aria-busy': 'true' });
  const matrix = h('div', { 'aria-busy': 'true' });
  const download = h('button', { type: 'button', class: 'secondary' }, 'Download CSV');
  download.addEventListener('click', async () => {
    download.disabled = true;
    try {
      const safe = detail.className.replace(/[^\w-]+/g, '-').replace(/^-|-$/g, '') || 'class';
      saveFile(await api.csv(classId), `attendance-${safe}.csv`);
    } catch (error) {
      showError(error);
    } finally {
      download.disabled = false;
    }
  });

  async function loadSessions() {
    try {
      const rows = await api.sessions(classId);
      sessions.replaceChildren(
        ...(rows.length
          ? [
              h(
                'p',
                { class: 'table-note' },
                'Newest first. Open a finished roll call to see its history or correct it.',
              ),
              tableRegion('Roll calls', sessionsTable(classId, rows)),
            ]
          : [h('p', { class: 'empty' }, 'No roll calls yet.')]),
      );
    } catch (error) {
      showError(error);
    } finally {
      sessions.removeAttribute('aria-busy');
    }
  }

  async function loadMatrix() {
    try {
      const data = await api.matrix(classId);
      matrix.replaceChildren(
        ...(data.sessions.length
          ? [
              h(
                'p',
                { class: 'table-note' },
                'Finished roll calls, oldest first. Rate: present or late, out of the roll calls ' +
                  'with a status.',
              ),
              tableRegion('Attendance by student', matrixTable(data)),
            ]
          : [h('p', { class: 'empty' }, 'Nothing yet: this covers finished roll calls.')]),
      );
    } catch (error) {
      showError(error);
    } finally {
      matrix.removeAttribute('aria-busy');
    }
  }

  const load = () => Promise.all([loadSessions(), loadMatrix()]);
  load();

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    h('h3', {}, 'Roll calls'),
    sessions,
    h('div', { class: 'row-between' }, h('h3', {}, 'Attendance by student'), download),
    matrix,
  );
  return { element, load };
}

function sessionsTable(classId, rows) {
  const cols = ['present', 'absent', 'late', 'excused', 'total'];
  return h(
    'table',
    {},
    h('caption', {}, 'Roll calls, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Started'),
        h('th', { scope: 'col' }, 'Ended'),
        cols.map((c) => h('th', { scope: 'col', class: 'num' }, statusLabel(c))),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          h(
            'th',
            { scope: 'row' },
            // A finished roll call opens to be read and corrected.
            r.endedAt
              ? h('a', { href: `#/class/${classId}/roll-calls/${r.sessionId}` }, when(r.startedAt))
              : when(r.startedAt),
          ),
          h('td', {}, r.endedAt ? when(r.endedAt) : 'running'),
          cols.map((c) => h('td', { class: 'num' }, String(r[c]))),
        ),
      ),
    ),
  );
}

function matrixTable({ sessions, students }) {
  const rate = (r) => (r === null ? '—' : `${Math.round(r * 100)}%`);
  return h(
    'table',
    {},
    h('caption', {}, 'Attendance by student'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Student'),
        sessions.map((s) => h('th', { scope: 'col' }, when(s.startedAt))),
        h('th', { scope: 'col', class: 'num' }, 'Rate'),
      ),
    ),
    h(
      'tbody',
      {},
      students.map((s) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, s.name),
          s.statuses.map((st) =>
            h('td', { class: st ? `st st-${st}` : 'st' }, st ? statusLabel(st) : '—'),
          ),
          h('td', { class: 'num' }, rate(s.rate)),
        ),
      ),
    ),
  );
}
