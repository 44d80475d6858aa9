// A guardian's children (docs/notify.md §1), in a dialog opened from the guardian's account:
// the students they are linked to, unlinking one, and finding a student to link.

import { api } from '../api.js';
import { field, h } from '../dom.js';
import { panelDialog } from './panel.js';

const FOUND = 20;

export function guardianLinksDialog() {
  const panel = panelDialog();
  const children = h('ul', { class: 'plain-list' });
  const query = h('input', { type: 'search', name: 'q', autocomplete: 'off', maxlength: 254 });
  const form = h(
    'form',
    { role: 'search', class: 'search-form' },
    h('h3', {}, 'Link a student'),
    field('Find a student by name or email', query),
    h('button', { type: 'submit' }, 'Find'),
  );
  const results = h('ul', { class: 'results' });
  panel.body.append(children, form, results);
  let guardian = null;
  let linked = [];

  const who = (s) => `${s.name} (${s.email})`;

  function show() {
    children.replaceChildren(
      ...linked.map((child) => {
        const unlink = h(
          'button',
          { type: 'button', class: 'secondary small', 'aria-label': `Unlink ${who(child)}` },
          'Unlink',
        );
        unlink.addEventListener('click', () =>
          change(() => api.unlinkChild(guardian.id, child.id), `${child.name} unlinked.`),
        );
        return h(
          'li',
          { class: 'with-action' },
          h('span', {}, child.name, h('br', {}), h('small', {}, child.email)),
          unlink,
        );
      }),
      ...(linked.length ? [] : [h('li', { class: 'empty' }, 'Linked to no student.')]),
    );
  }

  async function change(request, message) {
    try {
      linked = await request();
      show();
      panel.say(message);
    } catch (error) {
      panel.say(error.message);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const found = await api.accounts({
        q: query.value.trim(),
        role: 'student',
        active: true,
        limit: FOUND,
      });
      results.replaceChildren(
        ...found.map((student) => {
          const link = h(
            'button',
            { type: 'button', class: 'small', 'aria-label': `Link ${who(student)}` },
            'Link',
          );
          link.addEventListener('click', () =>
            change(
              () => api.linkChild(guardian.id, student.id),
              `${guardian.name} is linked to ${student.name}.`,
            ),
          );
          return h(
            'li',
            {},
            h('span', {}, student.name, h('br', {}), h('small', {}, student.email)),
            link,
          );
        }),
      );
      panel.say(found.length ? '' : 'No student matches.');
    } catch (error) {
      panel.say(error.message);
    }
  });

  return {
    element: panel.element,
    async open(account) {
      guardian = account;
      linked = [];
      query.value = '';
      children.replaceChildren();
      results.replaceChildren();
      panel.open(`Children of ${account.name}`);
      try {
        linked = await api.linkedChildren(account.id);
        show();
      } catch (error) {
        panel.say(error.message);
      }
    },
  };
}
