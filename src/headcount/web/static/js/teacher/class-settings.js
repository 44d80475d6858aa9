// A class's settings, for its teacher or a school administrator: rename it, archive it (its
// history stays readable), or bring an archived class back.

import { api } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { busy, field, h, notify, showError } from '../dom.js';

/** `reload()` draws the class page again once the class has changed. */
export function settingsSection(classId, detail, { archived, reload }) {
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'settings-title' },
    h('h2', { id: 'settings-title' }, 'Class settings'),
  );
  if (archived) {
    const restore = h('button', { type: 'button' }, 'Restore class');
    restore.addEventListener('click', () =>
      busy(section, async () => {
        await api.restoreClass(classId);
        notify(`Class “${detail.className}” restored.`);
        reload();
      }),
    );
    section.append(
      h(
        'p',
        {},
        'This class is archived: its history stays readable, but no roll call can start and ',
        'no student can join until it is restored.',
      ),
      restore,
    );
    return section;
  }

  const name = h('input', {
    name: 'className',
    required: true,
    maxlength: 200,
    value: detail.className,
  });
  const rename = h(
    'form',
    { class: 'inline-form' },
    field('Class name', name),
    h('button', { type: 'submit', class: 'secondary' }, 'Rename'),
  );
  rename.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(rename, async () => {
      const changed = await api.renameClass(classId, name.value);
      notify(`Class renamed to “${changed.className}”.`);
      reload();
    });
  });

  const archiving = confirmDialog({
    title: 'Archive this class?',
    yes: 'Archive',
    no: 'Cancel',
    danger: true,
    confirm: async () => {
      try {
        await api.archiveClass(classId);
        notify(`Class “${detail.className}” archived.`);
        reload();
      } catch (error) {
        showError(error);
      }
    },
  });
  const archive = h('button', { type: 'button', class: 'secondary' }, 'Archive class…');
  archive.addEventListener('click', () =>
    archiving.ask(
      `“${detail.className}” leaves the list of classes. Its roll calls, marks and CSV stay ` +
        'readable, and it can be restored.',
    ),
  );
  section.append(rename, h('p', { class: 'settings-archive' }, archive), archiving.element);
  return section;
}
