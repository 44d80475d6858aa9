// The form with which an administrator creates a teacher, student or guardian account.

import { api } from '../api.js';
import { busy, field, h } from '../dom.js';

/** `created(account)` is called with each new account; the form then empties for the next. */
export function accountForm(schools, created) {
  const name = h('input', { name: 'name', autocomplete: 'off', required: true, maxlength: 100 });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'off', required: true });
  const role = h(
    'select',
    { name: 'role' },
    h('option', { value: 'student' }, 'Student'),
    h('option', { value: 'teacher' }, 'Teacher'),
    h('option', { value: 'guardian' }, 'Guardian'),
  );
  const school = h(
    'select',
    { name: 'schoolId' },
    ...schools.map((s) => h('option', { value: s.id }, s.name)),
  );
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'new-password',
    minlength: 6,
  });
  const form = h(
    'form',
    {},
    field('Name', name),
    field('Email', email),
    field('Role', role),
    schools.length > 1 && field('School', school),
    field(
      'Password (optional)',
      password,
      'Leave it empty and give them a setup code instead, so that they choose their own.',
    ),
    h('button', { type: 'submit' }, 'Create account'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const account = await api.createAccount({
        name: name.value,
        email: email.value,
        role: role.value,
        schoolId: schools.length > 1 ? school.value : undefined,
        password: password.value || undefined,
      });
      form.reset();
      created(account);
    });
  });
  return form;
}
