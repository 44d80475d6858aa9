// HTTP to the Headcount server: the token, the {success, data | error} envelope, and errors in
// words. Every failure becomes an ApiError whose message is the server's `error` text.

const TOKEN_KEY = 'headcount.token';

export class ApiError extends Error {
  constructor(message, status, errors = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors; // a roster file's problems: [{file, line, column, message}]
  }
}

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (value) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

let unauthorized = () => {};

/** Called with the server's message whenever a request answers 401 (expired or bad token). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** `body` is sent as JSON; `file` (a File or Blob) is sent as it is, as the browser typed it. */
async function request(method, path, { body, file, query, raw = false } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = { Accept: raw ? '*/*' : 'application/json' };
  const jwt = token.get();
  if (jwt) headers.Authorization = `Bearer ${jwt}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (file) headers['Content-Type'] = file.type || 'application/octet-stream';
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  } catch {
    throw new ApiError('Could not reach the server. Check the connection and try again.', 0);
  }
  if (raw && response.ok) return response;
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    // not JSON: described below by its status
  }
  if (response.ok && envelope?.success === true) return envelope.data;
  const message =
    typeof envelope?.error === 'string'
      ? envelope.error
      : `The server answered ${response.status} ${response.statusText}`.trim();
  if (response.status === 401) unauthorized(message);
  const errors = Array.isArray(envelope?.errors) ? envelope.errors : [];
  throw new ApiError(message, response.status, errors);
}

const get = (path, query) => request('GET', path, { query });
const post = (path, body) => request('POST', path, { body });
const patch = (path, body) => request('PATCH', path, { body });
const remove = (path) => request('DELETE', path);
const id = (value) => encodeURIComponent(value);

/** A CSV answer as a Blob: fetched with the token, which a plain link could not send. */
async function csv(path, query = {}) {
  const response = await request('GET', path, { query: { ...query, format: 'csv' }, raw: true });
  return response.blob();
}

export const api = {
  signup: (name, email, password, role) => post('/auth/signup', { name, email, password, role }),
  login: (email, password) => post('/auth/login', { email, password }),
  me: () => get('/auth/me'),
  setup: (email, code, password) => post('/auth/setup', { email, code, password }),
  /** Revoke `jwt` on the server, best effort: logging out must work offline too. */
  async logout(jwt) {
    try {
      await fetch('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${jwt}` } });
    } catch {
      // offline: the token is forgotten here all the same
    }
  },

  classes: ({ archived = false } = {}) => get('/classes', { archived: archived || undefined }),
  createClass: (className) => post('/class', { className }),
  classDetail: (classId) => get(`/class/${id(classId)}`),
  renameClass: (classId, className) => patch(`/class/${id(classId)}`, { className }),
  archiveClass: (classId) => remove(`/class/${id(classId)}`),
  restoreClass: (classId) => patch(`/class/${id(classId)}`, { archived: false }),
  addStudent: (classId, studentId) => post(`/class/${id(classId)}/add-student`, { studentId }),
  enrol: (classId, studentIds) => post(`/class/${id(classId)}/students`, { studentIds }),
  unenrol: (classId, studentId) => remove(`/class/${id(classId)}/students/${id(studentId)}`),
  students: (q, { limit, offset } = {}) => get('/students', { q, limit, offset }),

  start: (classId, { lateAfterMinutes, checkIn }) =>
    post('/attendance/start', { classId, lateAfterMinutes, checkIn }),
  code: (classId) => get('/attendance/code', { classId }),
  checkIn: (classId, code) => post('/attendance/check-in', { classId, code }),

  sessions: (classId) => get(`/class/${id(classId)}/sessions`),
  matrix: (classId) => get(`/class/${id(classId)}/attendance`),
  csv: (classId) => csv(`/class/${id(classId)}/attendance`),
  events: (classId, sessionId) => get(`/class/${id(classId)}/sessions/${id(sessionId)}/events`),
  amend: (classId, sessionId, studentId, status, reason) =>
    patch(`/class/${id(classId)}/sessions/${id(sessionId)}/attendance/${id(studentId)}`, {
      status,
      reason,
    }),
  myHistory: (classId) => get(`/class/${id(classId)}/my-history`),
  myAttendance: (classId) => get(`/class/${id(classId)}/my-attendance`),

  children: () => get('/guardian/children'),
  childAttendance: (studentId) => get(`/guardian/children/${id(studentId)}/attendance`),
  childHistory: (studentId, classId) =>
    get(`/guardian/children/${id(studentId)}/classes/${id(classId)}/history`),

  schools: () => get('/admin/schools'),
  accounts: ({ q, role, active, limit, offset } = {}) =>
    get('/admin/users', { q, role, active, limit, offset }),
  createAccount: (account) => post('/admin/users', account),
  changeAccount: (userId, changes) => patch(`/admin/users/${id(userId)}`, changes),
  setupCode: (userId) => post(`/admin/users/${id(userId)}/setup-code`),
  excusals: (studentId) => get('/admin/excusals', { studentId }),
  excuse: (excusal) => post('/admin/excusals', excusal),
  withdrawExcusal: (excusalId) => remove(`/admin/excusals/${id(excusalId)}`),
  linkedChildren: (guardianId) => get(`/admin/guardians/${id(guardianId)}/students`),
  linkChild: (guardianId, studentId) =>
    post(`/admin/guardians/${id(guardianId)}/students/${id(studentId)}`),
  unlinkChild: (guardianId, studentId) =>
    remove(`/admin/guardians/${id(guardianId)}/students/${id(studentId)}`),
  webhooks: () => get('/admin/webhooks'),
  addWebhook: (endpoint) => post('/admin/webhooks', endpoint),
  changeWebhook: (webhookId, changes) => patch(`/admin/webhooks/${id(webhookId)}`, changes),
  removeWebhook: (webhookId) => remove(`/admin/webhooks/${id(webhookId)}`),
  deliveries: (webhookId) => get(`/admin/webhooks/${id(webhookId)}/deliveries`),
  resend: (webhookId, deliveryId) =>
    post(`/admin/webhooks/${id(webhookId)}/deliveries/${id(deliveryId)}/resend`),
  report: (name, query) => get(`/reports/${name}`, query),
  reportCsv: (name, query) => csv(`/reports/${name}`, query),
  importRoster: (file, { dryRun }) =>
    request('POST', '/admin/rosters', { file, query: { dryRun: dryRun || undefined } }),
};
