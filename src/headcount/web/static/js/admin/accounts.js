// The accounts of an administrator's schools: find them, create one, deactivate or reactivate
// it, and issue a one-time setup code, which is shown once and never again.

import { api } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { back, busy, field, h, heading, notify, plural, showError, when } from '../dom.js';
import { accountForm } from './account-form.js';
import { excusalsDialog } from './excusals.js';
import { guardianLinksDialog } from './guardian-links.js';

const PAGE = 20;
const ROLES = {
  teacher: 'Teacher',
  student: 'Student',
  guardian: 'Guardian',
  admin: 'Administrator',
};

export async function accounts(root, scope) {
  root.append(back('#/', 'School'), heading('Accounts'));
  let schools = [];
  try {
    schools = await api.schools();
  } catch (error) {
    showError(error);
    return;
  }
  const list = accountList(scope, schools);
  root.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'new-account-title' },
      h('h2', { id: 'new-account-title' }, 'New account'),
      accountForm(schools, (created) => list.created(created)),
    ),
    list.section,
  );
  await list.search();
}

/** The search form, its results 20 at a time, and what can be done to each account. */
function accountList(scope, schools) {
  const schoolName = new Map(schools.map((s) => [s.id, s.name]));
  const query = h('input', { type: 'search', name: 'q', autocomplete: 'off', maxlength: 254 });
  const role = h(
    'select',
    { name: 'role' },
    h('option', { value: '' }, 'Any role'),
    ...Object.entries(ROLES).map(([value, text]) => h('option', { value }, text)),
  );
  const inactive = h('input', { type: 'checkbox', name: 'inactive' });
  const form = h(
    'form',
    { role: 'search', class: 'search-form' },
    field('Search by name or email', query),
    field('Role', role),
    h('label', { class: 'choice' }, inactive, 'Include deactivated accounts'),
    h('button', { type: 'submit' }, 'Search'),
  );
  const said = h('p', { class: 'muted', role: 'status' });
  const results = h('ul', { class: 'accounts' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more');
  const codes = setupCodeDialog();
  const excusals = excusalsDialog();
  const children = guardianLinksDialog();
  let target = null; // the account the deactivation dialog asks about
  const deactivating = confirmDialog({
    title: 'Deactivate this account?',
    yes: 'Deactivate',
    no: 'Cancel',
    danger: true,
    confirm: () => change(target, { active: false }, `${target.name} deactivated.`),
  });
  let listed = [];
  let complete = true;

  async function search({ next = false } = {}) {
    try {
      const page = await api.accounts({
        q: query.value.trim(),
        role: role.value,
        active: inactive.checked ? undefined : true,
        limit: PAGE + 1,
        offset: next ? listed.length : 0,
      });
      listed = [...(next ? listed : []), ...page.slice(0, PAGE)];
      complete = page.length <= PAGE;
      show();
      said.textContent = complete
        ? listed.length
          ? `${plural(listed.length, 'account')} found.`
          : 'No account matches.'
        : `Showing the first ${listed.length} matches; more accounts match.`;
    } catch (error) {
      showError(error);
    }
  }

  function show() {
    results.replaceChildren(...listed.map(row));
    more.hidden = complete;
  }

  function row(account) {
    const facts = [ROLES[account.role] ?? account.role];
    if (schools.length > 1) facts.push(schoolName.get(account.schoolId) ?? '');
    if (!account.hasPassword) facts.push('no password yet');
    const item = h(
      'li',
      { class: 'account-row' },
      h(
        'p',
        { class: 'account-who' },
        h('strong', {}, account.name),
        ' ',
        !account.active && h('span', { class: 'badge badge-muted' }, 'Deactivated'),
        h('br', {}),
        h('small', {}, account.email),
        h('br', {}),
        h('small', {}, facts.join(' · ')),
      ),
    );
    if (account.id === scope.user.id) return item; // no locking oneself out by a slip
    const setup = h(
      'button',
      { type: 'button', class: 'secondary small', 'aria-label': `Setup code for ${account.name}` },
      'Setup code',
    );
    setup.addEventListener('click', async () => {
      try {
        codes.show(account, await api.setupCode(account.id));
      } catch (error) {
        showError(error);
      }
    });
    const toggle = account.active
      ? h(
          'button',
          { type: 'button', class: 'secondary small', 'aria-label': `Deactivate ${account.name}` },
          'Deactivate…',
        )
      : h(
          'button',
          { type: 'button', class: 'secondary small', 'aria-label': `Reactivate ${account.name}` },
          'Reactivate',
        );
    toggle.addEventListener('click', () => {
      if (!account.active) {
        change(account, { active: true }, `${account.name} reactivated.`);
        return;
      }
      target = account;
      deactivating.ask(
        `${account.name} (${account.email}) will be logged out everywhere and cannot log in ` +
          'until reactivated. Nothing of theirs is deleted.',
      );
    });
    item.append(h('p', { class: 'account-actions' }, roleAction(account), setup, toggle));
    return item;
  }

  /** A student's excusals, a guardian's children: each in its own dialog. */
  function roleAction(account) {
    const panel = { student: ['Excusals', excusals], guardian: ['Children', children] };
    const [text, dialog] = panel[account.role] ?? [];
    if (!dialog || !account.active) return null;
    const button = h(
      'button',
      { type: 'button', class: 'secondary small', 'aria-label': `${text} of ${account.name}` },
      text,
    );
    button.addEventListener('click', () => dialog.open(account));
    return button;
  }

  async function change(account, changes, message) {
    try {
      const changed = await api.changeAccount(account.id, changes);
      listed = listed.map((a) => (a.id === changed.id ? changed : a));
      show();
      said.textContent = message;
    } catch (error) {
      showError(error);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, () => search());
  });
  more.addEventListener('click', () => search({ next: true }));
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'accounts-title' },
    h('h2', { id: 'accounts-title' }, 'Find accounts'),
    form,
    said,
    results,
    more,
    deactivating.element,
    codes.element,
    excusals.element,
    children.element,
  );
  return {
    section,
    search,
    created(account) {
      listed = [account, ...listed.filter((a) => a.id !== account.id)];
      show();
      notify(
        account.hasPassword
          ? `Account for ${account.name} created.`
          : `Account for ${account.name} created. Give them a setup code to set their password.`,
      );
    },
  };
}

/** The setup code, shown once in a dialog: closing it forgets the code. */
function setupCodeDialog() {
  const title = h('h2', { id: 'setup-code-title' });
  const code = h('p', { class: 'setup-code' });
  const text = h('p', { id: 'setup-code-text' });
  const done = h('button', { type: 'button' }, 'Done');
  const element = h(
    'dialog',
    { 'aria-labelledby': 'setup-code-title', 'aria-describedby': 'setup-code-text' },
    title,
    code,
    text,
    h('div', { class: 'actions' }, done),
  );
  const forget = () => {
    code.textContent = '';
    text.textContent = '';
  };
  done.addEventListener('click', () => element.close());
  element.addEventListener('close', forget);
  return {
    element,
    show(account, issued) {
      title.textContent = `Setup code for ${account.name}`;
      code.textContent = issued.code;
      text.textContent =
        `${account.name} sets a password with it at “Set up my account” on the log-in page, ` +
        `with the email ${issued.email}. It works once, until ${when(issued.expiresAt)}, ` +
        'and any earlier code stops working. It is not shown again: write it down or pass it ' +
        'on now.';
      element.showModal();
      done.focus();
    },
  };
}
