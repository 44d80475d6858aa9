// The projector view: the check-in code and its QR code, huge and dark, with "n of m here".

import { api } from '../api.js';
import { h, heading, showError } from '../dom.js';
import { isConnectionLost } from '../live.js';
import { codePanel } from './code-panel.js';

export async function projector(root, scope, classId) {
  const { live } = scope;
  document.body.classList.add('projecting');
  const title = heading('Check in');
  const checkedIn = h('p', { class: 'checked-in', 'aria-live': 'polite' });
  root.append(title);
  let detail;
  try {
    detail = await api.classDetail(classId);
  } catch (error) {
    showError(error);
    return;
  }
  if (!scope.alive()) return;
  title.textContent = `Check in: ${detail.className}`;
  document.title = `${title.textContent} · Headcount`;
  const code = codePanel(classId, true);
  scope.onLeave(code.stop);
  const fullscreen = h('button', { type: 'button', class: 'secondary' }, 'Full screen');
  fullscreen.addEventListener('click', () => {
    const request = document.fullscreenElement
      ? document.exitFullscreen()
      : document.documentElement.requestFullscreen();
    request.catch(showError);
  });
  root.append(
    h(
      'p',
      { class: 'projector-help' },
      `Scan the QR code, or open ${location.host}, log in, choose ${detail.className} ` +
        'and type the code.',
    ),
    code.element,
    checkedIn,
    h(
      'p',
      { class: 'projector-actions' },
      h(
        'a',
        { class: 'button secondary', href: `#/class/${classId}/roll` },
        'Back to the roll call',
      ),
      fullscreen,
    ),
  );

  let server = {};
  const show = () => {
    const here = Object.values(server).filter((s) => s === 'present' || s === 'late').length;
    checkedIn.textContent = `${here} of ${detail.students.length} here`;
  };
  const ours = (d) => d.classId === classId;
  const sync = () => {
    if (!live.isOpen()) return;
    live.state(classId).then(
      (state) => {
        if (state === null) {
          code.close('No roll call is running for this class.');
          checkedIn.textContent = '';
        } else {
          server = { ...state.attendance };
          show();
        }
      },
      (error) => isConnectionLost(error) || showError(error),
    );
  };
  scope.onLeave(live.on('open', sync));
  scope.onLeave(
    live.on('SESSION_STATE', (d) => {
      if (!ours(d)) return;
      server = { ...d.attendance };
      show();
    }),
  );
  scope.onLeave(
    live.on('ATTENDANCE_MARKED', (d) => {
      if (!ours(d)) return;
      server[d.studentId] = d.status;
      show();
    }),
  );
  scope.onLeave(
    live.on('DONE', (d) => {
      if (ours(d)) code.close('The roll call has finished.');
    }),
  );
  sync();
}
