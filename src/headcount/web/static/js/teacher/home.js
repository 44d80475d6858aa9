// The teacher's "My classes": every class with its size and any running roll call, and a form
// to create a class.

import { api } from '../api.js';
import { busy, field, h, heading, notify, plural, showError } from '../dom.js';

export async function home(root, scope) {
  const name = h('input', { name: 'className', required: true, maxlength: 200 });
  const form = h(
    'form',
    { class: 'inline-form' },
    field('Class name', name),
    h('button', { type: 'submit' }, 'Create class'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const created = await api.createClass(name.value);
      notify(`Class “${created.className}” created. Add its students next.`);
      scope.go(`#/class/${created.id}`);
    });
  });
  const list = h('ul', { class: 'cards', 'aria-busy': 'true' });
  root.append(
    heading('My classes'),
    h(
      'p',
      {},
      h('a', { href: '#/reports' }, 'Reports'),
      ': attendance rates, chronic absence and absence streaks across your classes.',
    ),
    h('section', { class: 'card' }, h('h2', {}, 'New class'), form),
    h('section', { 'aria-label': 'Classes' }, list),
  );
  try {
    const classes = await api.classes();
    list.replaceChildren(
      ...classes.map(classCard),
      ...(classes.length ? [] : [h('li', { class: 'empty' }, 'No classes yet: create one above.')]),
    );
  } catch (error) {
    showError(error);
  } finally {
    list.removeAttribute('aria-busy');
  }
}

function classCard(c) {
  return h(
    'li',
    { class: 'card' },
    h('h2', {}, h('a', { href: `#/class/${c.id}` }, c.className)),
    h('p', {}, plural(c.studentCount, 'student')),
    c.activeSession &&
      h(
        'p',
        {},
        h('span', { class: 'badge' }, 'Roll call running'),
        ' ',
        h('a', { href: `#/class/${c.id}/roll` }, 'Open the roll call'),
      ),
  );
}
