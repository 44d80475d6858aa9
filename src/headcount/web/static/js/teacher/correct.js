// Correcting a finished roll call (docs/records.md §1): the dialog that changes one student's
// status, and the offer to apply marks that arrived too late as corrections. Both ask a reason,
// which the audit trail keeps.

import { api } from '../api.js';
import { formDialog } from '../dialog.js';
import { field, h, notify, plural, STATUSES, statusLabel } from '../dom.js';

function reasonInput() {
  // Something besides spaces, as the server requires (a readable line).
  return h('input', {
    name: 'reason',
    required: true,
    maxlength: 500,
    pattern: '.*\\S.*',
    autocomplete: 'off',
  });
}

const REASON_HINT = 'Kept in the roll call’s history, e.g. "Arrived with a note at 9:10".';

/** The dialog that changes one student's stored status; `changed(result)` after the server
 * stored it. `open(student, status)` asks about that student. */
export function changeDialog(classId, sessionId, changed) {
  let student = null;
  const reason = reasonInput();
  const choices = STATUSES.map((status) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'status', value: status, required: true }),
      statusLabel(status),
    ),
  );
  const dialog = formDialog({
    title: 'Change a status',
    yes: 'Save the change',
    body: [
      h('fieldset', {}, h('legend', {}, 'New status'), ...choices),
      field('Reason', reason, REASON_HINT),
    ],
    async submit() {
      const status = dialog.form.querySelector('input[name=status]:checked').value;
      const result = await api.amend(classId, sessionId, student.id, status, reason.value.trim());
      notify(
        result.changed
          ? `${student.name}: ${statusLabel(status)} (was ${statusLabel(result.previousStatus)}).`
          : `${student.name} was already ${statusLabel(status)}: nothing changed.`,
      );
      changed(result);
    },
  });
  return {
    element: dialog.element,
    open(who, current) {
      student = who;
      reason.value = '';
      for (const choice of choices) {
        const input = choice.querySelector('input');
        input.checked = input.value === current;
      }
      dialog.ask(`${who.name} is ${statusLabel(current)} in this roll call.`);
    },
  };
}

/** Marks this device made offline that were not saved because the roll call had finished:
 * offered as corrections of that roll call, all with one reason. `sessionOf()` resolves the
 * finished session's id. */
export function lateMarksOffer(classId, nameOf, sessionOf) {
  let marks = [];
  const list = h('ul', { class: 'late-marks' });
  const reason = reasonInput();
  const dialog = formDialog({
    title: 'Apply the marks as corrections?',
    yes: 'Apply the corrections',
    body: [field('Reason, for all of them', reason, REASON_HINT)],
    async submit() {
      const sessionId = await sessionOf();
      const said = reason.value.trim();
      // One at a time, so that a failure leaves exactly the marks not yet applied on offer.
      while (marks.length) {
        const { studentId, status } = marks[0];
        await api.amend(classId, sessionId, studentId, status, said);
        marks = marks.slice(1);
        show();
      }
      notify('The marks from this device are applied as corrections.');
    },
  });
  const apply = h('button', { type: 'button' }, 'Apply them as corrections…');
  const dismiss = h('button', { type: 'button', class: 'secondary' }, 'Leave them unsaved');
  const words = h('p', {});
  const element = h(
    'section',
    { class: 'card late-offer', 'aria-labelledby': 'late-title', hidden: true },
    h('h2', { id: 'late-title' }, 'Marks not saved'),
    words,
    list,
    h('div', { class: 'actions' }, dismiss, apply),
    dialog.element,
  );

  function show() {
    element.hidden = marks.length === 0;
    words.textContent =
      `The roll call was finished (perhaps on another device) before ` +
      `${plural(marks.length, 'mark')} from this one could be sent, so they were not saved. ` +
      'You can apply them to the finished roll call as corrections.';
    list.replaceChildren(
      ...marks.map((m) => h('li', {}, `${nameOf(m.studentId)}: ${statusLabel(m.status)}`)),
    );
  }

  apply.addEventListener('click', () => {
    reason.value = '';
    dialog.ask(`${plural(marks.length, 'mark')} will change the stored statuses.`);
  });
  dismiss.addEventListener('click', () => {
    marks = [];
    show();
  });
  return {
    element,
    /** Offer these marks (the outbox entries that were dropped), newest per student. */
    offer(entries) {
      const byStudent = new Map(marks.map((m) => [m.studentId, m]));
      for (const e of entries) byStudent.set(e.studentId, e);
      marks = [...byStudent.values()];
      show();
    },
  };
}
