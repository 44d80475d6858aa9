// The rotating check-in code of a running roll call: digits, a countdown and a QR code of the
// check-in link, renewed when it expires. Shown beside the roll call and on the projector.

import { api } from '../api.js';
import { h } from '../dom.js';
import { qrSvg } from '../qr.js';

export function codePanel(classId, big) {
  const digits = h('p', { class: 'code-digits' }, '······');
  const countdown = h('p', { class: 'countdown muted' });
  const qr = h('div', { class: 'qr-box' });
  const link = h('p', { class: 'checkin-link muted' });
  const message = h('p', { class: 'code-message', hidden: true });
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

  async function refresh() {
    clearTimeout(timer);
    try {
      const current = await api.code(classId);
      if (stopped) return;
      digits.textContent = current.code;
      digits.setAttribute('aria-label', `Code ${current.code.split('').join(' ')}`);
      const url = `${location.origin}/#/check-in/${classId}/${current.code}`;
      qr.replaceChildren(qrSvg(url, `QR code of the check-in link for code ${current.code}`));
      link.textContent = url;
      message.hidden = true;
      element.classList.remove('closed');
      // A code stays valid one step after it expires, so a skewed clock can wait 10 s safely.
      const wait = Date.parse(current.expiresAt) - Date.now();
      const inStep = wait > 0 && wait <= 20000;
      expires = inStep ? Date.parse(current.expiresAt) : null;
      tick();
      timer = setTimeout(refresh, inStep ? wait + 250 : 10000);
    } catch (error) {
      if (stopped) return;
      message.textContent = error.message;
      message.hidden = false;
      element.classList.add('closed');
      digits.textContent = '······';
      qr.replaceChildren();
      link.textContent = '';
      expires = null;
      tick();
      if (error.status === 0 || error.status >= 500) timer = setTimeout(refresh, 5000);
    }
  }
  refresh();
  return {
    element,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(ticker);
    },
  };
}
