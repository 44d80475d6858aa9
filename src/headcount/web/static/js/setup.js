// Redeeming a setup code: an account made by an administrator or an import has no password
// until its owner sets one here, with the one-time code they were given.

import { api } from './api.js';
import { busy, field, h } from './dom.js';

/** `begin(token)` logs the user in once the password is set. */
export function setupView(root, { begin }) {
  const email = h('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    required: true,
  });
  const code = h('input', {
    name: 'code',
    autocomplete: 'one-time-code',
    autocapitalize: 'characters',
    spellcheck: 'false',
    required: true,
    maxlength: 64,
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 6,
  });
  const form = h(
    'form',
    { class: 'card narrow', 'aria-labelledby': 'setup-title' },
    h('h1', { id: 'setup-title', tabindex: -1 }, 'Set up my account'),
    h('p', {}, 'Your school gave you a setup code. Use it once to choose your password.'),
    field('Email', email),
    field('Setup code', code, 'Like K7QM-3XPA-W9ND. Capitals, spaces and dashes do not matter.'),
    field('New password', password, 'At least 6 characters.'),
    h('button', { type: 'submit' }, 'Set password and log in'),
    h('p', {}, 'Already have a password? ', h('a', { href: '#/login' }, 'Log in')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const { token } = await api.setup(email.value, code.value, password.value);
      await begin(token);
    });
  });
  root.append(form);
}
