// Issue 13, item 1: clients of the Node reference open the teacher's socket, then the student's,
// send, await the teacher's copy and only then listen on the student's socket. The reference
// writes broadcasts oldest connection first, so the student's copy is still to come; a server
// that writes the student's first loses it to such a client (SPEC §5, "Order").
import { before, test } from 'node:test';
import {
  classroom, closeSocket, openSocket, send, startSession,
} from './support/headcount.mjs';
import { LOSS_TIMEOUT_MS, Tally } from './support/tally.mjs';

const REPETITIONS = 200;
const STATUSES = ['present', 'absent', 'late', 'excused'];
// Every wait of every repetition timing out, with room to spare: a hang fails, a slow run does not.
const LIMIT = { timeout: REPETITIONS * 3 * LOSS_TIMEOUT_MS + 60_000 };

let room;

before(async () => {
  room = await classroom();
});

/** `once` with a fresh teacher socket and then a fresh student socket, both closed after. */
async function withSockets(once) {
  const teacher = await openSocket(room.teacher);
  const student = await openSocket(room.student);
  try {
    await once(teacher, student);
  } finally {
    await Promise.all([closeSocket(teacher), closeSocket(student)]);
  }
}

function marked(status) {
  const data = { classId: room.classId, studentId: room.student.id, status };
  return { event: 'ATTENDANCE_MARKED', data };
}

test('ATTENDANCE_MARKED reaches the teacher, then the student', LIMIT, async (t) => {
  const tally = new Tally('ATTENDANCE_MARKED', REPETITIONS);
  await startSession(room.teacher, room.classId);
  for (let i = 0; i < REPETITIONS; i += 1) {
    const status = STATUSES[i % STATUSES.length];
    await withSockets(async (teacher, student) => {
      send(teacher, 'ATTENDANCE_MARKED', { studentId: room.student.id, status });
      await tally.copy('teacher', teacher, marked(status));
      await tally.copy('student', student, marked(status));
    });
  }
  tally.check(t);
});

test('TODAY_SUMMARY reaches the teacher, then the student', LIMIT, async (t) => {
  const tally = new Tally('TODAY_SUMMARY', REPETITIONS);
  const summary = { event: 'TODAY_SUMMARY', data: { classId: room.classId } };
  await startSession(room.teacher, room.classId);
  for (let i = 0; i < REPETITIONS; i += 1) {
    await withSockets(async (teacher, student) => {
      send(teacher, 'TODAY_SUMMARY', {});
      await tally.copy('teacher', teacher, summary);
      await tally.copy('student', student, summary);
    });
  }
  tally.check(t);
});

test('MY_ATTENDANCE after a mark answers the new status', LIMIT, async (t) => {
  const tally = new Tally('MY_ATTENDANCE after a mark', REPETITIONS);
  await startSession(room.teacher, room.classId);
  for (let i = 0; i < REPETITIONS; i += 1) {
    const status = STATUSES[i % STATUSES.length];
    await withSockets(async (teacher, student) => {
      send(teacher, 'ATTENDANCE_MARKED', { studentId: room.student.id, status });
      await tally.copy('teacher', teacher, marked(status));
      await tally.copy('student', student, marked(status));
      send(student, 'MY_ATTENDANCE', {});
      await tally.copy('student reply', student, {
        event: 'MY_ATTENDANCE', data: { classId: room.classId, status },
      });
    });
  }
  tally.check(t);
});

test('DONE reaches the teacher, then the student', LIMIT, async (t) => {
  const tally = new Tally('DONE', REPETITIONS);
  // One enrolled student: marked earlier or made absent now, either way one status in total.
  const data = { classId: room.classId, message: 'Attendance persisted', total: 1 };
  const done = { event: 'DONE', data };
  for (let i = 0; i < REPETITIONS; i += 1) {
    await startSession(room.teacher, room.classId);
    await withSockets(async (teacher, student) => {
      send(teacher, 'DONE', {});
      await tally.copy('teacher', teacher, done);
      await tally.copy('student', student, done);
    });
  }
  tally.check(t);
});
