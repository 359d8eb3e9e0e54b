/* global fetch */
// The dev cloud's control API, as the page uses it. Every failure becomes an ApiError whose
// message says what was attempted and what the cloud answered, so the page can show it.

/** A control API call that failed: `status` is the HTTP status, or 0 when the cloud was unreachable. */
export class ApiError extends Error {
  constructor(action, status, detail) {
    super(status === 0 ? `${action}: could not reach the dev cloud (${detail})` : `${action}: ${status} ${detail}`);
    this.name = 'ApiError';
    this.code = status === 0 ? 'CLOUD_UNREACHABLE' : 'API_ERROR';
    this.status = status;
  }
}

const segment = (value) => encodeURIComponent(value);

async function call(action, method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(action, 0, error instanceof Error ? error.message : String(error));
  }
  const text = await response.text();
  let payload;
  try {
    payload = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(action, response.status, `the cloud answered with something that is not JSON: ${text.slice(0, 120)}`);
  }
  if (!response.ok) {
    const message = payload && typeof payload.message === 'string' ? payload.message : response.statusText;
    throw new ApiError(action, response.status, message);
  }
  return payload;
}

export const api = {
  cloud: () => call('Reading which cloud runs', 'GET', '/api/cloud'),
  listApps: () => call('Listing apps', 'GET', '/api/apps'),
  listSessions: () => call('Listing sessions', 'GET', '/api/sessions'),
  display: (userId) => call('Reading the display', 'GET', `/api/users/${segment(userId)}/display`),
  startApp: (userId, packageName) =>
    call(`Starting ${packageName}`, 'POST', `/api/users/${segment(userId)}/apps/${segment(packageName)}/start`, {}),
  stopApp: (userId, packageName) =>
    call(`Stopping ${packageName}`, 'POST', `/api/users/${segment(userId)}/apps/${segment(packageName)}/stop`, {}),
  sendEvent: (userId, event, what) => call(`Sending ${what}`, 'POST', `/api/users/${segment(userId)}/events`, event),
};
