// Webhook endpoints of the administrator's schools (docs/notify.md §2): list them, add one
// (its secret shown once), pause, resume or remove one, and watch its deliveries, resending
// a failed one.

import { api } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { back, field, h, heading, plural, showError, when } from '../dom.js';
import { panelDialog } from './panel.js';

const EVENTS = {
  'session.started': 'A roll call starts',
  'attendance.marked': 'A student is marked',
  'session.finished': 'A roll call finishes',
  'student.absent': 'A student is left absent at the finish',
  'attendance.amended': 'A mark is corrected',
};
const REFRESH_MS = 2000;

export async function webhooks(root, scope) {
  const list = h('ul', { class: 'accounts', 'aria-busy': 'true' });
  const said = h('p', { role: 'status' });
  const secret = secretDialog();
  const deliveries = deliveriesDialog(scope);
  let target = null;
  const removing = confirmDialog({
    title: 'Remove this endpoint?',
    yes: 'Remove',
    no: 'Cancel',
    danger: true,
    confirm: () => change(target, () => api.removeWebhook(target.id), 'removed'),
  });
  let endpoints = [];

  function show() {
    list.replaceChildren(
      ...endpoints.map(row),
      ...(endpoints.length ? [] : [h('li', { class: 'empty' }, 'No endpoints yet.')]),
    );
  }

  function row(endpoint) {
    const button = (text, label, onclick) =>
      h('button', { type: 'button', class: 'secondary small', 'aria-label': label, onclick }, text);
    const actions = h(
      'p',
      { class: 'account-actions' },
      button('Deliveries', `Deliveries to ${endpoint.url}`, () => deliveries.open(endpoint)),
      endpoint.active
        ? button('Pause', `Pause ${endpoint.url}`, () =>
            change(endpoint, () => api.changeWebhook(endpoint.id, { active: false }), 'paused'),
          )
        : button('Resume', `Resume ${endpoint.url}`, () =>
            change(endpoint, () => api.changeWebhook(endpoint.id, { active: true }), 'resumed'),
          ),
      button('Remove…', `Remove ${endpoint.url}`, () => {
        target = endpoint;
        removing.ask(
          `${endpoint.url} gets no more events, and its deliveries not yet made are dropped.`,
        );
      }),
    );
    return h(
      'li',
      { class: 'account-row' },
      h(
        'p',
        { class: 'account-who' },
        h('strong', {}, endpoint.url),
        ' ',
        !endpoint.active && h('span', { class: 'badge badge-muted' }, 'Paused'),
        h('br', {}),
        h('small', {}, endpoint.events.join(', ')),
      ),
      actions,
    );
  }

  async function change(endpoint, request, done) {
    try {
      const changed = await request();
      endpoints =
        done === 'removed'
          ? endpoints.filter((e) => e.id !== endpoint.id)
          : endpoints.map((e) => (e.id === changed.id ? changed : e));
      show();
      said.textContent = `${endpoint.url} ${done}.`;
    } catch (error) {
      showError(error);
    }
  }

  root.append(
    back('#/', 'School'),
    heading('Webhooks'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'new-webhook-title' },
      h('h2', { id: 'new-webhook-title' }, 'New endpoint'),
      endpointForm((created) => {
        endpoints = [...endpoints, created];
        show();
        said.textContent = `${created.url} added.`;
        secret.show(created);
      }),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'webhooks-title' },
      h('h2', { id: 'webhooks-title' }, 'Endpoints'),
      said,
      list,
    ),
    removing.element,
    secret.element,
    deliveries.element,
  );
  try {
    endpoints = await api.webhooks();
    show();
  } catch (error) {
    showError(error);
  } finally {
    list.removeAttribute('aria-busy');
  }
}

function endpointForm(created) {
  const url = h('input', {
    type: 'url',
    name: 'url',
    autocomplete: 'off',
    required: true,
    maxlength: 2048,
    placeholder: 'https://',
  });
  const boxes = Object.keys(EVENTS).map((type) =>
    h('input', { type: 'checkbox', name: 'events', value: type }),
  );
  const form = h(
    'form',
    {},
    field('URL', url, 'Where each event is posted, signed as Standard Webhooks describes.'),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Events'),
      ...boxes.map((box) =>
        h(
          'label',
          { class: 'choice event-choice' },
          box,
          EVENTS[box.value],
          ' ',
          h('code', {}, box.value),
        ),
      ),
    ),
    h('button', { type: 'submit' }, 'Add endpoint'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const events = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!events.length) {
      showError('Choose at least one event.');
      boxes[0].focus();
      return;
    }
    try {
      created(await api.addWebhook({ url: url.value.trim(), events }));
      form.reset();
    } catch (error) {
      showError(error);
    }
  });
  return form;
}

/** The signing secret, shown once: closing the dialog forgets it. */
function secretDialog() {
  const panel = panelDialog();
  const value = h('p', { class: 'setup-code secret' });
  panel.body.append(
    h('p', {}, 'The receiver verifies each delivery with this secret. It is not shown again.'),
    value,
  );
  panel.element.addEventListener('close', () => (value.textContent = ''));
  return {
    element: panel.element,
    show(endpoint) {
      value.textContent = endpoint.secret;
      panel.open(`Signing secret for ${endpoint.url}`);
    },
  };
}

/** An endpoint's latest deliveries, refreshed while any is pending; a failed one is resent. */
function deliveriesDialog(scope) {
  const panel = panelDialog();
  const rows = h('tbody', {});
  panel.body.append(
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': 'Deliveries', tabindex: 0 },
      h(
        'table',
        { class: 'deliveries' },
        h('caption', {}, 'Deliveries, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Event', 'State', 'Last answer'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        rows,
      ),
    ),
  );
  let endpoint = null;
  let timer = null;
  const stop = () => {
    clearTimeout(timer);
    timer = null;
  };
  panel.element.addEventListener('close', stop);
  scope.onLeave(stop);

  async function load() {
    stop();
    try {
      const found = await api.deliveries(endpoint.id);
      rows.replaceChildren(...found.map(row));
      if (!found.length) rows.append(h('tr', {}, h('td', { colspan: 3 }, 'No deliveries yet.')));
      if (panel.element.open && found.some((d) => d.state === 'pending')) {
        timer = setTimeout(load, REFRESH_MS);
      }
    } catch (error) {
      panel.say(error.message);
    }
  }

  function row(delivery) {
    let resend = null;
    if (delivery.state === 'failed') {
      resend = h(
        'button',
        { type: 'button', class: 'secondary small', 'aria-label': `Resend ${delivery.eventType}` },
        'Resend',
      );
      resend.addEventListener('click', () => again(delivery));
    }
    const status = delivery.lastStatus ? `HTTP ${delivery.lastStatus}` : '—';
    const answer = delivery.lastError ?? status;
    return h(
      'tr',
      {},
      h(
        'td',
        {},
        h('code', {}, delivery.eventType),
        h('br', {}),
        h('small', {}, when(delivery.createdAt)),
      ),
      h(
        'td',
        {},
        delivery.state,
        h('br', {}),
        h('small', {}, plural(delivery.attempts, 'attempt')),
        resend && h('br', {}),
        resend,
      ),
      h('td', {}, answer),
    );
  }

  async function again(delivery) {
    try {
      await api.resend(endpoint.id, delivery.id);
      panel.say(`${delivery.eventType} will be sent again now.`);
      await load();
    } catch (error) {
      panel.say(error.message);
    }
  }

  return {
    element: panel.element,
    open(chosen) {
      endpoint = chosen;
      rows.replaceChildren();
      panel.open(`Deliveries to ${chosen.url}`);
      load();
    },
  };
}
