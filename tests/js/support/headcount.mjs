// Headcount as a Node client of the seed's server meets it: the built-in fetch for set-up, the
// `ws` package for /ws. HEADCOUNT_URL names the server (tests/realtime/test_node_clients.py
// passes the test session's).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

const BASE_URL = process.env.HEADCOUNT_URL;
if (!BASE_URL) throw new Error('set HEADCOUNT_URL to a running server, e.g. http://127.0.0.1:3000');
const WS_URL = `${BASE_URL.replace(/^http/, 'ws')}/ws`;
const PASSWORD = 'secret-pass';

async function call(method, path, token, body) {
  const response = await fetch(new URL(path, BASE_URL), {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const envelope = await response.json();
  if (!response.ok || envelope.success !== true) {
    throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(envelope)}`);
  }
  return envelope.data;
}

async function signUp(role) {
  const email = `node-${role}-${randomUUID()}@school.example.com`;
  const user = await call('POST', '/auth/signup', null, {
    name: `Node ${role}`, email, password: PASSWORD, role,
  });
  const { token } = await call('POST', '/auth/login', null, { email, password: PASSWORD });
  return { id: user.id, token };
}

/** A teacher, a class of theirs and one enrolled student. */
export async function classroom() {
  const teacher = await signUp('teacher');
  const student = await signUp('student');
  const created = await call('POST', '/class', teacher.token, { className: 'Node clients' });
  const classId = created.id;
  await call('POST', `/class/${classId}/add-student`, teacher.token, { studentId: student.id });
  return { teacher, student, classId };
}

/** The class's active session, started now unless one runs (SPEC: start is idempotent). */
export function startSession(teacher, classId) {
  return call('POST', '/attendance/start', teacher.token, { classId });
}

// Messages the socket emitted while nobody but this watcher listened: gone for the client.
const unheard = new WeakMap();

function parse(data) {
  return JSON.parse(data.toString());
}

/** A /ws connection of `account`, resolved once it is open. */
export function openSocket(account) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${WS_URL}?token=${account.token}`);
    const missed = [];
    unheard.set(ws, missed);
    // Registered first, so it runs while any listener of the same message is still attached.
    ws.on('message', (data) => {
      if (ws.listenerCount('message') === 1) missed.push(parse(data));
    });
    ws.once('open', () => {
      ws.off('error', reject);
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

export function send(ws, event, data) {
  ws.send(JSON.stringify({ event, data }));
}

/**
 * The next message on `ws`, or null after `timeoutMs`. The listener is attached now, as the
 * seed's clients attach theirs: a message the socket emitted before this call is not seen.
 */
export function nextMessage(ws, timeoutMs) {
  return new Promise((resolve) => {
    const onMessage = (data) => {
      clearTimeout(timer);
      resolve(parse(data));
    };
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      resolve(null);
    }, timeoutMs);
    ws.once('message', onMessage);
  });
}

/** The oldest message `ws` emitted before anyone listened, taking it off the record. */
export function takeUnheard(ws) {
  return unheard.get(ws).shift();
}

export function closeSocket(ws) {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', resolve);
    ws.close();
  });
}
