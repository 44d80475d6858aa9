// The app shell: login and signup, the live connection of the logged-in user, hash routing.

import { accounts } from './admin/accounts.js';
import { schoolClasses, schoolHome } from './admin/home.js';
import { rosterImport } from './admin/rosters.js';
import { webhooks } from './admin/webhooks.js';
import { api, onUnauthorized, token } from './api.js';
import { childClass } from './guardian/child-class.js';
import { home as guardianHome } from './guardian/home.js';
import { busy, clearErrors, field, h, heading, notify, plural, showError } from './dom.js';
import { Live } from './live.js';
import { reports } from './reports.js';
import { setupView } from './setup.js';
import { checkInLink as studentCheckInLink } from './student/check-in-link.js';
import { classPage as studentClassPage } from './student/class-page.js';
import { home as studentHome } from './student/home.js';
import { checkInLink } from './teacher/check-in-link.js';
import { classPage } from './teacher/class-page.js';
import { home } from './teacher/home.js';
import { projector } from './teacher/projector.js';
import { rollCall, ROSTER_KEY } from './teacher/roll-call.js';
import { sessionPage } from './teacher/session-page.js';

const main = document.getElementById('main');
const AFTER_LOGIN = 'headcount.after-login';
const CONNECTION_TEXT = { online: 'Live', connecting: 'Connecting…', offline: 'Offline' };

let user = null;
let live = null;
let leaving = [];

// A class's pages, for its teacher and for an administrator of its school alike.
const CLASS_ROUTES = [
  [/^#\/class\/([\w-]+)$/, classPage],
  [/^#\/class\/([\w-]+)\/roll$/, rollCall],
  [/^#\/class\/([\w-]+)\/projector$/, projector],
  [/^#\/class\/([\w-]+)\/roll-calls\/([\w-]+)$/, sessionPage],
  [/^#\/check-in\/([\w-]+)\/(\w+)$/, checkInLink],
];
const ROUTES = {
  teacher: [[/^#\/$/, home], [/^#\/reports$/, reports], ...CLASS_ROUTES],
  admin: [
    [/^#\/$/, schoolHome],
    [/^#\/accounts$/, accounts],
    [/^#\/classes$/, schoolClasses],
    [/^#\/rosters$/, rosterImport],
    [/^#\/webhooks$/, webhooks],
    [/^#\/reports$/, reports],
    ...CLASS_ROUTES,
  ],
  student: [
    [/^#\/$/, studentHome],
    [/^#\/class\/([\w-]+)$/, studentClassPage],
    [/^#\/check-in\/([\w-]+)\/(\w+)$/, studentCheckInLink],
  ],
  guardian: [
    [/^#\/$/, guardianHome],
    [/^#\/child\/([\w-]+)\/class\/([\w-]+)$/, childClass],
  ],
};
const PUBLIC = { '#/login': loginView, '#/signup': signupView, '#/setup': setupView };

function go(hash, { replace = false } = {}) {
  if (location.hash === hash) render();
  else if (replace) location.replace(hash);
  else location.hash = hash;
}

function render() {
  for (const done of leaving.splice(0)) done();
  clearErrors();
  document.body.classList.remove('projecting');
  main.replaceChildren();
  const hash = location.hash || '#/';
  if (!user) {
    if (PUBLIC[hash]) return show(PUBLIC[hash], []);
    sessionStorage.setItem(AFTER_LOGIN, hash); // come back here once logged in
    return go('#/login', { replace: true });
  }
  if (PUBLIC[hash]) return go('#/', { replace: true });
  for (const [pattern, view] of ROUTES[user.role] ?? []) {
    const match = pattern.exec(hash);
    if (match) return show(view, match.slice(1).map(decodeURIComponent));
  }
  return show(notFound, []);
}

function show(view, params) {
  const root = h('div', { class: 'view' });
  main.append(root);
  let current = true;
  leaving.push(() => (current = false));
  const scope = {
    user,
    live,
    go,
    begin,
    alive: () => current,
    onLeave: (done) => leaving.push(done),
  };
  Promise.resolve(view(root, scope, ...params)).catch(showError);
  const heading = root.querySelector('h1');
  document.title = heading?.textContent ? `${heading.textContent} · Headcount` : 'Headcount';
  heading?.focus({ preventScroll: true });
}

function notFound(root) {
  const home = user?.role === 'guardian' ? 'Back to my children' : 'Back to my classes';
  root.append(heading('Page not found'), h('p', {}, h('a', { href: '#/' }, home)));
}

// ---- accounts ---------------------------------------------------------------------------------

function loginView(root) {
  const email = h('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    required: true,
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const form = h(
    'form',
    { class: 'card narrow', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title', tabindex: -1 }, 'Log in'),
    field('Email', email),
    field('Password', password),
    h('button', { type: 'submit' }, 'Log in'),
    h('p', {}, 'No account yet? ', h('a', { href: '#/signup' }, 'Sign up')),
    h('p', {}, 'Given a setup code? ', h('a', { href: '#/setup' }, 'Set up my account')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => begin((await api.login(email.value, password.value)).token));
  });
  root.append(form);
}

function signupView(root) {
  const name = h('input', { name: 'name', autocomplete: 'name', required: true, maxlength: 100 });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 6,
  });
  const role = (value, text, checked) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'role', value, checked }),
      text,
    );
  const form = h(
    'form',
    { class: 'card narrow', 'aria-labelledby': 'signup-title' },
    h('h1', { id: 'signup-title', tabindex: -1 }, 'Sign up'),
    field('Name', name),
    field('Email', email),
    field('Password', password, 'At least 6 characters.'),
    h(
      'fieldset',
      {},
      h('legend', {}, 'I am a'),
      role('teacher', 'Teacher', true),
      role('student', 'Student'),
    ),
    h('button', { type: 'submit' }, 'Create account'),
    h('p', {}, 'Already have an account? ', h('a', { href: '#/login' }, 'Log in')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = form.querySelector('input[name=role]:checked').value;
    busy(form, async () => {
      await api.signup(name.value, email.value, password.value, chosen);
      await begin((await api.login(email.value, password.value)).token);
    });
  });
  root.append(form);
}

/** Log in with a token: who am I, then the live connection, then where I was going. */
async function begin(jwt, navigate = true) {
  token.set(jwt);
  user = await api.me();
  live = new Live(jwt, user.id);
  live.on('status', showConnection);
  live.on('error', (message) => notify(message, { error: true }));
  live.on('unauthorized', (message) => logout(message));
  live.on('discarded', ({ classId, count }) => {
    // The class's roll call page lists them itself, and offers them as corrections.
    if (location.hash === `#/class/${classId}/roll`) return;
    notify(
      `The roll call was finished (perhaps on another device) before ${plural(count, 'mark')} ` +
        'from this one could be sent, so they were not saved.',
      { error: true },
    );
  });
  document.getElementById('who').textContent = `${user.name} (${user.role})`;
  document.getElementById('account').hidden = false;
  showConnection(live.status);
  if (navigate) {
    const next = sessionStorage.getItem(AFTER_LOGIN) ?? '#/';
    sessionStorage.removeItem(AFTER_LOGIN);
    go(next, { replace: true });
  }
}

/** Log out: revoked on the server first (unless it already refused the token), then forgotten. */
async function logout(message) {
  const jwt = token.get();
  if (!message && jwt) await api.logout(jwt);
  const unsent = live?.unsent().length ?? 0;
  live?.stop();
  live = null;
  user = null;
  token.clear();
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(ROSTER_KEY)) localStorage.removeItem(key);
  }
  document.getElementById('account').hidden = true;
  go('#/login');
  // Said once the login page is current, so that leaving the old page does not clear it.
  if (message) notify(message, { error: true });
  if (unsent) {
    notify(`${plural(unsent, 'unsent mark')} stay in this browser until you log in again.`);
  }
}

function showConnection(status) {
  const badge = document.getElementById('conn');
  badge.textContent = CONNECTION_TEXT[status];
  badge.dataset.state = status;
}

async function boot() {
  onUnauthorized((message) => user && logout(message));
  document.getElementById('logout').addEventListener('click', () => logout());
  addEventListener('hashchange', render);
  const saved = token.get();
  let failure = null;
  if (saved) {
    try {
      await begin(saved, false);
    } catch (error) {
      token.clear();
      user = null;
      live?.stop();
      live = null;
      failure = error;
    }
  }
  render();
  // Shown on the page render went to (the login page), so that leaving this one keeps it.
  if (failure) showError(failure);
}

boot();
