// Opened from the teacher's QR code: check in, then show the class.

import { api } from '../api.js';
import { h, heading, notify, statusLabel } from '../dom.js';
import { STATE_WORDS } from './words.js';

export async function checkInLink(root, scope, classId, code) {
  const message = h('p', { role: 'status' }, 'Checking you in…');
  root.append(heading('Check in'), message);
  try {
    const result = await api.checkIn(classId, code);
    notify(`Checked in: ${statusLabel(result.status)}.`);
    if (scope.alive()) scope.go(`#/class/${classId}`, { replace: true });
  } catch (error) {
    const state = STATE_WORDS[error.message];
    message.textContent = state ?? `Could not check in: ${error.message}`;
    root.append(
      ...(state ? [] : [h('p', {}, 'Type the code your teacher shows on the class page instead.')]),
      h('p', {}, h('a', { href: `#/class/${classId}` }, 'Go to the class')),
    );
  }
}
