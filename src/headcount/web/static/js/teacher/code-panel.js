// The rotating check-in code of a running roll call: digits, a countdown and a QR code of the
// check-in link, renewed when it expires. Shown beside the roll call and on the projector.

import { api } from '../api.js';
import { h } from '../dom.js';
import { qrSvg } from '../qr.js';

// The server's refusals that are how things are, not faults: said in a teacher's words.
const NOTES = {
  'Check-in is closed': 'Self check-in is off for this roll call: the teacher marks each student.',
  'No active attendance session': 'No roll call is running, so there is no code.',
};

export function codePanel(classId, big) {
  const digits = h('p', { class: 'code-digits' }, '······');
  const countdown = h('p', { class: 'countdown muted' });
  const qr = h('div', { class: 'qr-box' });
  const link = h('p', { class: 'checkin-link muted' });
  const message = h('p', { hidden: true });
  const element = h(
    'section',
    { class: big ? 'code-panel big' : 'code-panel card', 'aria-labelledby': 'code-title' },
    h('h2', { id: 'code-title' }, 'Check-in code'),
    digits,
    countdown,
    message,
    qr,
    link,
  );
  let timer = null;
  let expires = null;
  let stopped = false;

  function tick() {
    const seconds = expires === null ? null : Math.ceil((expires - Date.now()) / 1000);
    countdown.textContent =
      seconds !== null && seconds > 0 && seconds <= 20 ? `New code in ${seconds} s` : '';
  }
  const ticker = setInterval(tick, 1000);

  /** No code to show: `kind` is 'note' for how things are, 'problem' for a fault. */
  function without(words, kind) {
    digits.textContent = '······';
    digits.removeAttribute('aria-label');
    digits.hidden = kind === 'note';
    qr.replaceChildren();
    link.textContent = '';
    expires = null;
    tick();
    message.textContent = words;
    message.className = kind === 'note' ? 'code-note' : 'code-message';
    message.hidden = false;
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const current = await api.code(classId);
      if (stopped) return;
      digits.textContent = current.code;
      digits.setAttribute('aria-label', `Code ${current.code.split('').join(' ')}`);
      digits.hidden = false;
      const url = `${location.origin}/#/check-in/${classId}/${current.code}`;
      qr.replaceChildren(qrSvg(url, `QR code of the check-in link for code ${current.code}`));
      link.textContent = url;
      message.hidden = true;
      // A code stays valid one step after it expires, so a skewed clock can wait 10 s safely.
      const wait = Date.parse(current.expiresAt) - Date.now();
      const inStep = wait > 0 && wait <= 20000;
      expires = inStep ? Date.parse(current.expiresAt) : null;
      tick();
      timer = setTimeout(refresh, inStep ? wait + 250 : 10000);
    } catch (error) {
      if (stopped) return;
      const note = NOTES[error.message];
      if (note) {
        close(note);
        return;
      }
      without(error.message, 'problem');
      if (error.status === 0 || error.status >= 500) timer = setTimeout(refresh, 5000);
    }
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    clearInterval(ticker);
  }

  /** The roll call is over or off: no more codes, and say why in plain words. */
  function close(words) {
    stop();
    without(words, 'note');
  }

  refresh();
  return { element, stop, close };
}
