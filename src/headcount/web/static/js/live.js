// The WebSocket at /ws (SPEC §5) and the teacher's outbox of marks (SPEC §8).
//
// - Reconnects by itself with backoff; when the browser says it is offline it drops the socket at
//   once and reconnects as soon as it is back online. Views ask for SESSION_STATE on every 'open'.
// - Every tap goes into the outbox first (localStorage, with `markedAt` and `opId`), so nothing is
//   lost while offline or on a reload. The outbox is sent in batches of ATTENDANCE_MARKED followed
//   by one SESSION_STATE: the server handles a connection's messages in order, so its reply to that
//   SESSION_STATE means every mark before it is stored. Only then do the marks leave the outbox.
//   A replay is safe to repeat: the server applies an `opId` once, and the newest `markedAt` wins.
// - Requests that expect a reply (SESSION_STATE, DONE, outbox batches) run one at a time, so an
//   ERROR, which names no request, always belongs to the one in flight.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const BATCH = 20; // marks per round trip: the server allows 50 messages a second per connection
const PACE_MS = 500;
const REPLY_TIMEOUT_MS = 10000;
const NO_SESSION = 'No active attendance session';
const UNAUTHORIZED = 'Unauthorized or invalid token';

class ConnectionLost extends Error {
  constructor() {
    super('Not connected to the server');
    this.name = 'ConnectionLost';
  }
}

export const isConnectionLost = (error) => error instanceof ConnectionLost;

/** crypto.randomUUID needs a secure context; a school server on plain http over the LAN is not. */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  const part = (from, to) => hex.slice(from, to);
  return `${part(0, 8)}-${part(8, 12)}-${part(12, 16)}-${part(16, 20)}-${part(20)}`;
}

/** Marks not yet acknowledged, oldest first, kept in localStorage per user. */
class Outbox {
  constructor(key) {
    this.key = key;
    try {
      this.entries = JSON.parse(localStorage.getItem(key) ?? '[]');
    } catch {
      this.entries = [];
    }
  }

  save() {
    const plain = this.entries.map(({ sending, ...entry }) => entry);
    if (plain.length) localStorage.setItem(this.key, JSON.stringify(plain));
    else localStorage.removeItem(this.key);
  }

  add(classId, studentId, status) {
    // A newer tap on the same student replaces one that has not left yet.
    this.entries = this.entries.filter(
      (e) => e.sending || e.classId !== classId || e.studentId !== studentId,
    );
    const entry = { opId: uuid(), classId, studentId, status, markedAt: new Date().toISOString() };
    this.entries.push(entry);
    this.save();
  }

  remove(predicate) {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !predicate(e));
    this.save();
    return before - this.entries.length;
  }
}

export class Live {
  constructor(jwt, userId) {
    this.jwt = jwt;
    this.outbox = new Outbox(`headcount.outbox.${userId}`);
    this.listeners = new Map();
    this.status = 'connecting';
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    this.jobs = [];
    this.active = null;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.drop();
    addEventListener('online', this.onOnline);
    addEventListener('offline', this.onOffline);
    this.connect();
  }

  /** Subscribe to a server event ('ATTENDANCE_MARKED', …) or to 'open', 'status', 'outbox',
   * 'error' (an ERROR no request owns), 'discarded' or 'unauthorized'. Returns the unsubscriber. */
  on(name, handler) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(handler);
    return () => this.listeners.get(name).delete(handler);
  }

  emit(name, data) {
    for (const handler of [...(this.listeners.get(name) ?? [])]) handler(data);
  }

  isOpen() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  // ---- requests -------------------------------------------------------------------------------

  /** The running session of a class, or null when none runs. */
  state(classId) {
    return this.enqueue({ event: 'SESSION_STATE', classId, noSession: 'null' });
  }

  /** Finish the roll call: unmarked students become absent. Resolves with DONE's counts. */
  finish(classId) {
    return this.enqueue({ event: 'DONE', classId });
  }

  /** Queue a teacher's mark; it is sent now if connected, else after reconnecting. */
  mark(classId, studentId, status) {
    this.outbox.add(classId, studentId, status);
    this.emit('outbox');
    this.pump();
  }

  unsent(classId) {
    return this.outbox.entries.filter((e) => !classId || e.classId === classId);
  }

  enqueue(job) {
    if (!this.isOpen()) return Promise.reject(new ConnectionLost());
    return new Promise((resolve, reject) => {
      this.jobs.push({ ...job, resolve, reject });
      this.pump();
    });
  }

  pump() {
    if (this.active || !this.isOpen()) return;
    const next = this.outbox.entries.find((e) => !e.sending);
    if (next) {
      this.flush(next.classId);
      return;
    }
    const job = this.jobs.shift();
    if (job) this.begin(job);
  }

  flush(classId) {
    const batch = this.outbox.entries
      .filter((e) => !e.sending && e.classId === classId)
      .slice(0, BATCH);
    for (const entry of batch) {
      entry.sending = true;
      const { opId, studentId, status, markedAt } = entry;
      this.send('ATTENDANCE_MARKED', { classId, studentId, status, markedAt, opId });
    }
    const sent = new Set(batch.map((e) => e.opId));
    this.emit('outbox');
    this.begin({
      event: 'SESSION_STATE',
      classId,
      noSession: 'discard',
      pace: PACE_MS,
      resolve: () => {
        this.outbox.remove((e) => sent.has(e.opId));
        this.emit('outbox');
      },
      reject: () => {},
    });
  }

  begin(job) {
    this.active = job;
    job.timer = setTimeout(
      () => this.restart('The server did not answer in time; reconnecting.'),
      REPLY_TIMEOUT_MS,
    );
    this.send(job.event, { classId: job.classId });
  }

  settle(outcome, value) {
    const job = this.active;
    this.active = null;
    clearTimeout(job.timer);
    job[outcome](value);
    setTimeout(() => this.pump(), job.pace ?? 0);
  }

  send(event, data) {
    this.socket.send(JSON.stringify({ event, data }));
  }

  // ---- incoming -------------------------------------------------------------------------------

  receive(raw) {
    let message;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    const event = message?.event;
    const data = message?.data ?? {};
    if (event === 'ERROR') {
      this.failed(String(data.message ?? 'Unknown error'));
      return;
    }
    const job = this.active;
    if (job && event === job.event && data.classId === job.classId) this.settle('resolve', data);
    if (event === 'DONE') this.discard(data.classId);
    this.emit(event, data);
  }

  failed(message) {
    if (message === UNAUTHORIZED) {
      this.stop();
      this.emit('unauthorized', message);
      return;
    }
    const job = this.active;
    if (!job) {
      this.emit('error', message);
    } else if (message === NO_SESSION && job.noSession === 'null') {
      this.settle('resolve', null);
    } else if (message === NO_SESSION && job.noSession === 'discard') {
      // The roll call ended while marks were on their way: they cannot be stored any more.
      // More ERRORs from this batch may follow; a fresh connection leaves them behind.
      this.discard(job.classId);
      this.restart(null, 0);
    } else if (job.noSession === 'discard') {
      // A mark of the batch was refused (e.g. a student no longer in the class); say so and keep
      // waiting for the batch's SESSION_STATE.
      this.emit('error', message);
    } else {
      this.settle('reject', new Error(message));
    }
  }

  /** Drop a class's unsent marks once its roll call has ended (DONE, or the server says so). */
  discard(classId) {
    const marks = this.outbox.entries.filter((e) => e.classId === classId);
    const count = this.outbox.remove((e) => e.classId === classId);
    if (count) {
      this.emit('discarded', { classId, count, marks });
      this.emit('outbox');
    }
  }

  // ---- connection -----------------------------------------------------------------------------

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }

  connect() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    if (!navigator.onLine) {
      this.setStatus('offline'); // the 'online' event reconnects
      return;
    }
    this.setStatus('connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // The token rides in the subprotocol, not the URL, so no proxy or access log records it.
    const socket = new WebSocket(`${scheme}//${location.host}/ws`, ['bearer', this.jwt]);
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      this.setStatus('online');
      this.emit('open');
      this.pump();
    });
    socket.addEventListener('message', (e) => {
      if (socket === this.socket) this.receive(e.data);
    });
    socket.addEventListener('close', () => {
      if (socket === this.socket) this.lost();
    });
  }

  /** The socket is gone: fail what was waiting, and try again later. */
  lost(delay) {
    clearTimeout(this.timer);
    this.socket = null;
    const waiting = [...(this.active ? [this.active] : []), ...this.jobs];
    if (this.active) clearTimeout(this.active.timer);
    this.active = null;
    this.jobs = [];
    for (const job of waiting) job.reject(new ConnectionLost());
    for (const entry of this.outbox.entries) entry.sending = false; // resent: opId makes it safe
    this.emit('outbox');
    if (this.stopped) return;
    if (!navigator.onLine) {
      this.setStatus('offline');
      return;
    }
    this.setStatus('connecting');
    const step = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)];
    this.timer = setTimeout(() => this.connect(), delay ?? step * (0.8 + Math.random() * 0.4));
  }

  /** Close the socket now, without waiting for its closing handshake. */
  drop(delay) {
    const socket = this.socket;
    if (socket) {
      this.socket = null;
      socket.close(1000);
    }
    this.lost(delay);
  }

  restart(message, delay) {
    if (message) this.emit('error', message);
    this.drop(delay);
  }

  reconnectNow() {
    if (this.socket || this.stopped) return;
    this.attempt = 0;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    removeEventListener('online', this.onOnline);
    removeEventListener('offline', this.onOffline);
    this.drop();
    this.setStatus('offline');
  }
}
