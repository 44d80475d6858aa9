// A student's absences excused in advance (docs/records.md §2), in a dialog opened from their
// account: the excusals, adding one (days and a reason), withdrawing one.

import { api } from '../api.js';
import { field, h } from '../dom.js';
import { panelDialog } from './panel.js';

/** A day `YYYY-MM-DD` (UTC, as the server counts days) as people read it. */
export function day(text) {
  return new Date(`${text}T00:00:00Z`).toLocaleDateString(undefined, {
    dateStyle: 'medium',
    timeZone: 'UTC',
  });
}

const today = () => new Date().toISOString().slice(0, 10);

function span(excusal) {
  return excusal.firstDay === excusal.lastDay
    ? day(excusal.firstDay)
    : `${day(excusal.firstDay)} – ${day(excusal.lastDay)}`;
}

export function excusalsDialog() {
  const panel = panelDialog();
  const list = h('ul', { class: 'plain-list' });
  const first = h('input', { type: 'date', name: 'firstDay', required: true });
  const last = h('input', { type: 'date', name: 'lastDay', required: true });
  const reason = h('input', {
    name: 'reason',
    autocomplete: 'off',
    required: true,
    maxlength: 500,
  });
  const form = h(
    'form',
    {},
    h('h3', {}, 'Excuse an absence in advance'),
    h('div', { class: 'field-pair' }, field('First day', first), field('Last day', last)),
    field('Reason', reason, 'Kept for those who manage the school; never shown to classmates.'),
    h('button', { type: 'submit' }, 'Add excusal'),
  );
  panel.body.append(list, form);
  let student = null;
  let excusals = [];

  function show() {
    list.replaceChildren(
      ...excusals.map((excusal) => {
        const withdraw = h(
          'button',
          { type: 'button', class: 'secondary small', 'aria-label': `Withdraw ${span(excusal)}` },
          'Withdraw',
        );
        withdraw.addEventListener('click', () => remove(excusal));
        return h(
          'li',
          { class: 'with-action' },
          h(
            'span',
            {},
            h('strong', {}, span(excusal)),
            h('br', {}),
            h('small', {}, excusal.reason),
          ),
          withdraw,
        );
      }),
      ...(excusals.length ? [] : [h('li', { class: 'empty' }, 'No absences excused.')]),
    );
  }

  async function remove(excusal) {
    try {
      await api.withdrawExcusal(excusal.id);
      excusals = excusals.filter((e) => e.id !== excusal.id);
      show();
      panel.say(`Excusal for ${span(excusal)} withdrawn.`);
    } catch (error) {
      panel.say(error.message);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (last.value < first.value) {
      panel.say('The last day cannot be before the first day.');
      last.focus();
      return;
    }
    try {
      const added = await api.excuse({
        studentId: student.id,
        firstDay: first.value,
        lastDay: last.value,
        reason: reason.value.trim(),
      });
      excusals = [...excusals, added].sort((a, b) => a.firstDay.localeCompare(b.firstDay));
      show();
      reason.value = '';
      panel.say(`${student.name} is excused for ${span(added)}.`);
    } catch (error) {
      panel.say(error.message);
    }
  });

  return {
    element: panel.element,
    async open(account) {
      student = account;
      excusals = [];
      first.value = last.value = today();
      reason.value = '';
      list.replaceChildren();
      panel.open(`Excusals of ${account.name}`);
      try {
        excusals = await api.excusals(account.id);
        show();
      } catch (error) {
        panel.say(error.message);
      }
    },
  };
}
