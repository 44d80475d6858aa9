// Small DOM helpers shared by the views: element building, messages, and formatting.

/** h('button', {class: 'x', onclick: fn, disabled: true}, 'text', child…). Text stays text. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

/** A view's <h1>: the app moves focus to it on navigation, so it takes focus. */
export const heading = (text) => h('h1', { tabindex: -1 }, text);

/** The link back up, above a view's heading. */
export const back = (href, text) => h('p', { class: 'crumbs' }, h('a', { href }, `← ${text}`));

/** Change a live region's words only when they differ, so nothing is announced twice. */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const STATUSES = ['present', 'absent', 'late', 'excused'];

export function statusLabel(status) {
  return status ? status[0].toUpperCase() + status.slice(1) : 'Not marked';
}

export function when(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Offer `blob` as a file download named `name`. */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function clock(iso) {
  return new Date(iso).toLocaleTimeString(undefined, { timeStyle: 'medium' });
}

const MAX_ALERTS = 4;
const NOTICE_MS = 6000;

/** Say something in the message area. Errors stay until dismissed or until the user leaves the
 * page they belong to; a notice replaces the one before it and fades, so confirmations never
 * pile up over the page. */
export function notify(message, { error = false } = {}) {
  const area = document.getElementById(error ? 'alerts' : 'notices');
  const item = h('div', { class: error ? 'toast toast-error' : 'toast' }, h('p', {}, message));
  const dismiss = () => item.remove();
  item.append(h('button', { type: 'button', class: 'link', onclick: dismiss }, 'Dismiss'));
  if (!error) {
    area.replaceChildren(item);
    setTimeout(dismiss, NOTICE_MS);
    return;
  }
  item.dataset.page = location.hash;
  for (const shown of [...area.children]) {
    if (shown.firstChild.textContent === message) shown.remove(); // said once, at the bottom
  }
  area.append(item);
  while (area.children.length > MAX_ALERTS) area.firstElementChild.remove();
}

/** On navigation: errors raised on another page no longer apply. */
export function clearErrors() {
  for (const item of [...document.getElementById('alerts').children]) {
    if (item.dataset.page !== location.hash) item.remove();
  }
}

export const showError = (error) => notify(error?.message ?? String(error), { error: true });

let fields = 0;

/** A form field: <label for> and its input, with an optional hint as the input's description. */
export function field(text, input, hint) {
  fields += 1;
  input.id ||= `field-${fields}`;
  const parts = [h('label', { for: input.id }, text), input];
  if (hint) {
    const hintId = `${input.id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    parts.push(h('small', { id: hintId }, hint));
  }
  return h('div', { class: 'field' }, ...parts);
}

/** Disable a form's controls while `work` runs; errors are shown, never swallowed. */
export async function busy(form, work) {
  const controls = [...form.querySelectorAll('button, input, select')].filter((c) => !c.disabled);
  controls.forEach((c) => (c.disabled = true));
  try {
    return await work();
  } catch (error) {
    showError(error);
    return undefined;
  } finally {
    controls.forEach((c) => (c.disabled = false));
  }
}
