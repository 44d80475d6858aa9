// A check-in link (from a QR code) opened by a teacher: it is for students.

import { h, heading } from '../dom.js';

export function checkInLink(root) {
  root.append(
    heading('Check-in link'),
    h('p', {}, 'This link is for students: log in as a student to check in with it.'),
    h('p', {}, h('a', { href: '#/' }, 'Back to my classes')),
  );
}
