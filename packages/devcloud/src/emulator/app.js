/* global window, setInterval, URLSearchParams, FormData */
// The glasses emulator: shows what one user's glasses show, live, and lets a developer act as
// that user (start and stop apps, get notifications, speak, press, look up and down).
import { api } from './api.js';
import { byTestId, h } from './dom.js';
import { createGlassesView } from './glasses-view.js';
import { followLiveFeed } from './live.js';
import { buttonPress, headPosition, phoneNotification, transcription, HEAD_POSITIONS, NOTIFICATION_PRIORITIES, PRESS_TYPES } from './phone-events.js';

const DEFAULT_USER = 'demo@example.com';
const VIEWS = ['main', 'dashboard'];

const state = {
  userId: new URLSearchParams(window.location.search).get('user') || DEFAULT_USER,
  apps: [],
  sessions: [],
  /** Package names whose start or stop is on its way, so their buttons wait. */
  busy: new Set(),
  /** Bumped by every live display event, so an older snapshot never overwrites a newer event. */
  viewVersions: Object.fromEntries(VIEWS.map((view) => [view, 0])),
};

// The status line: every outcome a developer should know about, errors above all.
const statusLine = byTestId('status');
function showStatus(kind, message) {
  statusLine.dataset.kind = kind;
  statusLine.textContent = kind === 'error' ? `Error: ${message}` : message;
}
const showError = (error) => showStatus('error', error instanceof Error ? error.message : String(error));
window.addEventListener('error', (event) => showStatus('error', `the page failed: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => showError(event.reason));

const views = Object.fromEntries(VIEWS.map((view) => [view, createGlassesView(view, { onProblem: (message) => showStatus('error', message) })]));
setInterval(() => VIEWS.forEach((view) => views[view].tick()), 200);

// Apps and sessions.
const sessionOf = (packageName) => state.sessions.find((session) => session.userId === state.userId && session.packageName === packageName);

function renderApps() {
  const list = byTestId('app-list');
  if (state.apps.length === 0) {
    list.replaceChildren(h('li', { class: 'empty' }, 'No app is registered yet: start the dev cloud with --app or --config, or POST /api/apps.'));
    return;
  }
  list.replaceChildren(
    ...state.apps.map((app) => {
      const session = sessionOf(app.packageName);
      const busy = state.busy.has(app.packageName);
      const running = session !== undefined && session.state !== 'stopping';
      // An active session whose app socket is gone (the app was stopped or crashed): Start replaces it.
      const disconnected = session?.state === 'active' && session.connectedAt === null;
      const label = busy ? 'working…' : disconnected ? 'disconnected' : session?.state ?? 'not running';
      return h(
        'li',
        { 'data-testid': `app-${app.packageName}` },
        h('span', { class: 'app-label' }, h('span', { class: 'app-name' }, app.name || app.packageName), h('code', {}, app.packageName)),
        h(
          'span',
          { class: 'app-actions' },
          h('span', { class: `badge badge-${disconnected ? 'disconnected' : session?.state ?? 'stopped'}`, 'data-testid': `app-state-${app.packageName}` }, label),
          h('button', { type: 'button', disabled: busy || (running && !disconnected), 'data-testid': `app-start-${app.packageName}`, onclick: () => startOrStop(app, 'start') }, 'Start'),
          h('button', { type: 'button', disabled: busy || !running, 'data-testid': `app-stop-${app.packageName}`, onclick: () => startOrStop(app, 'stop') }, 'Stop'),
        ),
      );
    }),
  );
}

function renderSessions() {
  const mine = state.sessions.filter((session) => session.userId === state.userId);
  byTestId('session-list').replaceChildren(
    ...(mine.length === 0
      ? [h('li', { class: 'empty' }, 'No app is running for this user.')]
      : mine.map((session) =>
          h(
            'li',
            { 'data-testid': `session-${session.packageName}` },
            h('code', {}, session.packageName),
            h('span', { class: `badge badge-${session.state}` }, session.state),
            h(
              'span',
              { class: 'subscriptions', 'data-testid': `session-subscriptions-${session.packageName}` },
              session.subscriptions.length === 0 ? 'no subscriptions' : session.subscriptions.map((stream) => h('code', { class: 'stream' }, stream)),
            ),
          ),
        )),
  );
  const users = [...new Set(state.sessions.map((session) => session.userId))];
  const others = users.filter((userId) => userId !== state.userId);
  byTestId('other-sessions').replaceChildren(
    ...(others.length === 0 ? [] : ['Other users with running apps: ', ...others.map((userId) => h('button', { type: 'button', class: 'link', onclick: () => switchUser(userId) }, userId))]),
  );
  byTestId('known-users').replaceChildren(...users.map((userId) => h('option', { value: userId })));
}

function setSessions(sessions) {
  state.sessions = sessions;
  renderSessions();
  renderApps();
}

async function startOrStop(app, action) {
  const label = app.name || app.packageName;
  state.busy.add(app.packageName);
  renderApps();
  showStatus('info', `${action === 'start' ? 'Starting' : 'Stopping'} ${label} for ${state.userId}…`);
  try {
    if (action === 'start') await api.startApp(state.userId, app.packageName);
    else await api.stopApp(state.userId, app.packageName);
    showStatus('ok', `${action === 'start' ? 'Started' : 'Stopped'} ${label} for ${state.userId}.`);
  } catch (error) {
    showError(error);
  } finally {
    state.busy.delete(app.packageName);
    renderApps();
  }
  // Also catches up when the live feed is down.
  await refreshSessions().catch(showError);
}

// Snapshots, loaded at start, on every (re)connection of the live feed and on a user switch.
async function refreshCloud() {
  const { dialect, description, websocketUrl } = await api.cloud();
  const badge = byTestId('dialect');
  badge.dataset.dialect = dialect;
  badge.title = `Imitating ${description}; apps connect to ${websocketUrl}`;
  badge.replaceChildren(`${dialect} cloud · `, h('code', {}, new URL(websocketUrl).pathname));
}
async function refreshApps() {
  state.apps = (await api.listApps()).apps;
  renderApps();
}
async function refreshSessions() {
  setSessions((await api.listSessions()).sessions);
}
async function refreshDisplay() {
  const userId = state.userId;
  const versions = { ...state.viewVersions };
  const { views: shown } = await api.display(userId);
  for (const view of VIEWS) {
    if (userId === state.userId && versions[view] === state.viewVersions[view]) views[view].show(shown[view] ?? null);
  }
}
function refreshAll() {
  return Promise.all([refreshCloud(), refreshApps(), refreshSessions(), refreshDisplay()]).catch(showError);
}

function switchUser(userId) {
  state.userId = userId;
  byTestId('user-input').value = userId;
  const url = new URL(window.location.href);
  url.searchParams.set('user', userId);
  window.history.replaceState(null, '', url);
  VIEWS.forEach((view) => views[view].show(null));
  renderSessions();
  renderApps();
  return refreshDisplay().catch(showError);
}

// The live feed.
const liveState = byTestId('live-state');
followLiveFeed({
  onState(name, detail) {
    liveState.dataset.state = name;
    liveState.textContent = name === 'live' ? 'live' : `${name}…`;
    liveState.title = detail;
  },
  onOpen: refreshAll,
  onEvent(name, data) {
    if (name === 'sessions') setSessions(data.sessions);
    if (name === 'display' && data.userId === state.userId && VIEWS.includes(data.view)) {
      state.viewVersions[data.view] += 1;
      views[data.view].show(data.state);
    }
  },
});

// The forms. Each disables its buttons while its request is on its way.
async function whileSending(container, work) {
  const buttons = container.querySelectorAll('button');
  buttons.forEach((button) => (button.disabled = true));
  try {
    await work();
  } catch (error) {
    showError(error);
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

async function sendEvent(event, what) {
  const { delivered } = await api.sendEvent(state.userId, event, what);
  if (delivered.length === 0) showStatus('warning', `Sent ${what}, but no running app of ${state.userId} listens to ${event.streamType}.`);
  else showStatus('ok', `Sent ${what} to ${delivered.map((target) => target.packageName).join(', ')}.`);
}

function onSubmit(testId, handler) {
  const form = byTestId(testId);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileSending(form, () => handler(new FormData(form)));
  });
}

const text = (form, name) => String(form.get(name) ?? '');

byTestId('notify-priority').replaceChildren(...NOTIFICATION_PRIORITIES.map((priority) => h('option', { value: priority, selected: priority === 'normal' }, priority)));
onSubmit('notify-form', (form) =>
  sendEvent(phoneNotification({ app: text(form, 'app'), title: text(form, 'title'), content: text(form, 'content'), priority: text(form, 'priority') }), 'a notification'),
);
onSubmit('speech-form', (form) =>
  sendEvent(transcription({ text: text(form, 'text'), language: text(form, 'language'), isFinal: form.get('final') !== null }), 'a transcription'),
);

const glassesControls = byTestId('button-controls').closest('fieldset');
byTestId('button-controls').replaceChildren(
  ...PRESS_TYPES.map((pressType) =>
    h('button', { type: 'button', 'data-testid': `button-${pressType}`, onclick: () => whileSending(glassesControls, () => sendEvent(buttonPress({ buttonId: byTestId('button-id').value, pressType }), `a ${pressType} press`)) }, `${pressType[0].toUpperCase()}${pressType.slice(1)} press`),
  ),
);
byTestId('head-controls').replaceChildren(
  ...HEAD_POSITIONS.map((position) =>
    h('button', { type: 'button', 'data-testid': `head-${position}`, onclick: () => whileSending(glassesControls, () => sendEvent(headPosition({ position }), `head ${position}`)) }, `Look ${position}`),
  ),
);

byTestId('apps-refresh').addEventListener('click', () => refreshApps().then(() => showStatus('ok', `${state.apps.length} app(s) registered.`), showError));
byTestId('user-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const userId = byTestId('user-input').value.trim();
  if (userId === '') showStatus('error', 'a user id is needed, for example demo@example.com');
  else void switchUser(userId).then(() => showStatus('ok', `Now showing the glasses of ${userId}.`));
});

byTestId('user-input').value = state.userId;
void refreshAll();
