import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { layouts, makeSessionId, type TpaConfig } from '@tpa/sdk/protocol';
import type { DevCloud } from '../src/index.js';
import type { FakeTpa } from './helpers/fake-tpa.js';
import { ALICE, NOTES, NOTES_KEY, notification, useFixtures } from './helpers/fixtures.js';
import { SseReader } from './helpers/sse-reader.js';

const SESSION = makeSessionId(ALICE, NOTES);
const ALICE_PATH = encodeURIComponent(ALICE);

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown>;
}

async function call(cloud: DevCloud, method: string, path: string, body?: unknown, raw?: string): Promise<Answer> {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    ...(body !== undefined || raw !== undefined ? { body: raw ?? JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

const CONFIG: TpaConfig = {
  name: 'Notes',
  description: 'notes',
  version: '1',
  settings: [{ type: 'toggle', key: 'compact', label: 'Compact', defaultValue: false }],
};

describe('the control API', () => {
  const use = useFixtures();

  async function cloudWithApp(subscriptions: string[] = ['phone_notification']): Promise<{ cloud: DevCloud; tpa: FakeTpa }> {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, subscriptions, tpaConfig: CONFIG });
    const cloud = await use.cloud();
    expect((await call(cloud, 'POST', '/api/apps', tpa.registration)).status).toBe(201);
    return { cloud, tpa };
  }

  async function startOverHttp(cloud: DevCloud): Promise<Answer> {
    const started = await call(cloud, 'POST', `/api/users/${ALICE_PATH}/apps/${NOTES}/start`);
    await cloud.waitForSession((s) => s.subscriptions.length > 0);
    return started;
  }

  it('registers and lists apps, never showing their API key', async () => {
    const cloud = await use.cloud();
    const registration = { packageName: NOTES, name: 'Notes', webhookUrl: 'http://127.0.0.1:9/webhook', apiKey: NOTES_KEY };
    const created = await call(cloud, 'POST', '/api/apps', registration);
    expect(created).toMatchObject({ status: 201, body: { app: { packageName: NOTES, name: 'Notes', webhookUrl: registration.webhookUrl } } });
    const listed = await call(cloud, 'GET', '/api/apps');
    expect(listed.body).toEqual({ apps: [{ packageName: NOTES, name: 'Notes', webhookUrl: registration.webhookUrl }] });
    expect(JSON.stringify(listed.body)).not.toContain(NOTES_KEY);
  });

  it('says which cloud it imitates', async () => {
    const later = await use.cloud();
    expect((await call(later, 'GET', '/api/cloud')).body).toEqual({ dialect: 'later', description: expect.stringContaining('c1f57fc3'), websocketUrl: later.websocketUrl });
    const spring = await use.cloud({ dialect: 'spring' });
    expect((await call(spring, 'GET', '/api/cloud')).body).toMatchObject({ dialect: 'spring', websocketUrl: expect.stringMatching(/\/tpa-ws$/) });
  });

  it("ends a user's whole session", async () => {
    const { cloud, tpa } = await cloudWithApp();
    await startOverHttp(cloud);
    expect(await call(cloud, 'POST', `/api/users/${ALICE_PATH}/session/end`)).toMatchObject({ status: 200, body: { status: 'success' } });
    expect(await tpa.latestSocket().closed).toEqual({ code: 1000, reason: 'User session ended' });
    expect((await call(cloud, 'GET', '/api/sessions')).body).toEqual({ sessions: [] });
    expect(await call(cloud, 'POST', `/api/users/${ALICE_PATH}/session/end`)).toMatchObject({ status: 404, body: { message: expect.stringMatching(/no running session/) } });
  });

  it('answers bad requests with a 4xx JSON body that names the problem', async () => {
    const cloud = await use.cloud({ maxBodyBytes: 1024 });
    const expectError = (answer: Answer, status: number, message: RegExp): void => {
      expect(answer.status).toBe(status);
      expect(answer.contentType).toMatch(/application\/json/);
      expect(answer.body).toEqual({ status: 'error', message: expect.stringMatching(message) });
    };
    expectError(await call(cloud, 'POST', '/api/apps', { packageName: NOTES, webhookUrl: 'ftp://x', apiKey: 'k' }), 400, /webhookUrl: not an http\(s\) URL/);
    expectError(await call(cloud, 'POST', '/api/apps', { packageName: NOTES, webhookUrl: 'http://x', apiKey: 'k', admin: true }), 400, /admin/);
    expectError(await call(cloud, 'POST', '/api/apps', undefined, '{"packageName":'), 400, /not valid JSON/);
    expectError(await call(cloud, 'POST', '/api/apps'), 400, /needs a JSON body/);
    expectError(await call(cloud, 'POST', '/api/apps', { apiKey: 'x'.repeat(2000) }), 413, /over the limit of 1024 bytes/);
    expectError(await call(cloud, 'POST', `/api/users/${ALICE_PATH}/apps/com.example.nothing/start`), 404, /no app "com\.example\.nothing"/);
    expectError(await call(cloud, 'POST', `/api/users/${ALICE_PATH}/apps/${NOTES}/stop`), 404, /no running session/);
    expectError(await call(cloud, 'POST', `/api/users/${ALICE_PATH}/events`, { streamType: 'telepathy', data: {} }), 400, /"telepathy" is not a stream type/);
    expectError(await call(cloud, 'POST', `/api/users/${ALICE_PATH}/events`, { streamType: 'phone_notification', data: { title: 'x' } }), 400, /notificationId/);
    expectError(await call(cloud, 'POST', `/api/sessions/${SESSION}/faults`, { kind: 'explode' }), 400, /kind/);
    expectError(await call(cloud, 'POST', `/api/sessions/${SESSION}/faults`, { kind: 'close', code: 1006 }), 400, /close code/);
    expectError(await call(cloud, 'POST', `/api/sessions/${SESSION}/faults`, { kind: 'drop' }), 404, /no running session/);
    expectError(await call(cloud, 'GET', '/api/nothing'), 404, /no route GET \/api\/nothing/);
    expectError(await call(cloud, 'DELETE', '/api/apps'), 405, /takes GET, POST/);
    expectError(await call(cloud, 'GET', '/api/users/%E0%A4%A/display'), 400, /percent-encoding/);
  });

  it('starts an app, delivers events in the form each app subscribed with, and stops it', async () => {
    const { cloud, tpa } = await cloudWithApp(['phone_notification', 'transcription:en-US']);
    const started = await startOverHttp(cloud);
    expect(started).toMatchObject({ status: 200, body: { session: { sessionId: SESSION, userId: ALICE, packageName: NOTES, state: 'active' } } });

    const sent = await call(cloud, 'POST', `/api/users/${ALICE_PATH}/events`, {
      streamType: 'transcription',
      data: { text: 'hello', isFinal: true, startTime: 0, endTime: 5 },
    });
    expect(sent.body).toEqual({ delivered: [{ packageName: NOTES, sessionId: SESSION, streamType: 'transcription:en-US' }] });
    const stream = await tpa.latestSocket().waitForMessage('data_stream');
    expect(stream).toMatchObject({ sessionId: SESSION, streamType: 'transcription:en-US', data: { text: 'hello' } });

    const sessions = await call(cloud, 'GET', '/api/sessions');
    expect(sessions.body).toEqual({ sessions: [expect.objectContaining({ sessionId: SESSION, subscriptions: ['phone_notification', 'transcription:en-US'] })] });

    expect(await call(cloud, 'POST', `/api/users/${ALICE_PATH}/apps/${NOTES}/stop`)).toMatchObject({ status: 200, body: { status: 'success' } });
    await tpa.waitForWebhook('stop_request');
    expect((await call(cloud, 'GET', '/api/sessions')).body).toEqual({ sessions: [] });
  });

  it('answers 502 when the webhook fails, saying so', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: [{ status: 503 }] });
    const cloud = await use.cloud({ apps: [tpa.registration], webhookRetryDelayMs: 10 });
    const answer = await call(cloud, 'POST', `/api/users/${ALICE_PATH}/apps/${NOTES}/start`);
    expect(answer).toMatchObject({ status: 502, body: { status: 'error', message: expect.stringMatching(/session_request webhook of com\.example\.notes failed: HTTP 503/) } });
  });

  it('shows the display and its history', async () => {
    const { cloud, tpa } = await cloudWithApp();
    await startOverHttp(cloud);
    tpa.latestSocket().display(NOTES, layouts.textWall('first'), { durationMs: 5000 });
    tpa.latestSocket().display(NOTES, layouts.dashboardCard('9:41', '2 notes'), { view: 'dashboard' });
    await cloud.waitForDisplay(ALICE, (display) => display.views.main !== null && display.views.dashboard !== null);

    const display = await call(cloud, 'GET', `/api/users/${ALICE_PATH}/display`);
    expect(display.body).toEqual({
      userId: ALICE,
      views: {
        main: { layout: layouts.textWall('first'), packageName: NOTES, shownAt: expect.any(String), durationMs: 5000, expiresAt: expect.any(String) },
        dashboard: { layout: layouts.dashboardCard('9:41', '2 notes'), packageName: NOTES, shownAt: expect.any(String), durationMs: null, expiresAt: null },
      },
    });
    const history = await call(cloud, 'GET', `/api/users/${ALICE_PATH}/display/history`);
    expect(history.body).toEqual({
      history: [
        { view: 'main', layout: layouts.textWall('first'), packageName: NOTES, at: expect.any(String) },
        { view: 'dashboard', layout: layouts.dashboardCard('9:41', '2 notes'), packageName: NOTES, at: expect.any(String) },
      ],
    });
    expect((await call(cloud, 'GET', '/api/users/bob%40example.com/display')).body).toEqual({ userId: 'bob@example.com', views: { main: null, dashboard: null } });
  });

  it('changes settings and pushes them to the live session; unknown keys and wrong types are a 400', async () => {
    const { cloud, tpa } = await cloudWithApp();
    await startOverHttp(cloud);
    const changed = await call(cloud, 'POST', `/api/users/${ALICE_PATH}/settings/${NOTES}`, { settings: { compact: true } });
    expect(changed).toMatchObject({ status: 200, body: { settings: [expect.objectContaining({ key: 'compact', value: true })] } });
    const update = await tpa.latestSocket().waitForMessage('settings_update');
    expect(update).toMatchObject({ packageName: NOTES, sessionId: SESSION, settings: [expect.objectContaining({ key: 'compact', value: true })] });

    const wrongType = await call(cloud, 'POST', `/api/users/${ALICE_PATH}/settings/${NOTES}`, { settings: { compact: 'yes' } });
    expect(wrongType).toMatchObject({ status: 400, body: { message: expect.stringMatching(/toggle/) } });
    const unknown = await call(cloud, 'POST', `/api/users/${ALICE_PATH}/settings/${NOTES}`, { settings: { color: 'red' } });
    expect(unknown).toMatchObject({ status: 400, body: { message: expect.stringMatching(/no setting "color".*"compact"/) } });
  });

  it('injects faults into a session socket', async () => {
    const { cloud, tpa } = await cloudWithApp();
    await startOverHttp(cloud);
    const faults = `/api/sessions/${encodeURIComponent(SESSION)}/faults`;

    expect((await call(cloud, 'POST', faults, { kind: 'malformed', frame: '{"type":' })).status).toBe(200);
    await expect.poll(() => tpa.latestSocket().rawFrames.at(-1)).toBe('{"type":');

    expect((await call(cloud, 'POST', faults, { kind: 'close', code: 4001, reason: 'chaos' })).status).toBe(200);
    expect(await tpa.latestSocket().closed).toEqual({ code: 4001, reason: 'chaos' });
    await cloud.waitForSession((s) => s.connectedAt === null);
    expect(await call(cloud, 'POST', faults, { kind: 'drop' })).toMatchObject({ status: 409, body: { message: expect.stringMatching(/no open connection/) } });
  });

  it('drops a socket abruptly on a drop fault', async () => {
    const { cloud, tpa } = await cloudWithApp();
    await startOverHttp(cloud);
    expect((await call(cloud, 'POST', `/api/sessions/${SESSION}/faults`, { kind: 'drop' })).status).toBe(200);
    expect((await tpa.latestSocket().closed).code).toBe(1006);
  });

  it('silences a socket: no more events and no pings reach the app', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, subscriptions: ['phone_notification'] });
    const cloud = await use.cloud({ apps: [tpa.registration], pingIntervalMs: 30, silenceTimeoutMs: 400 });
    await cloud.startApp(ALICE, NOTES);
    await cloud.waitForSession((s) => s.subscriptions.length > 0);
    cloud.injectFault(SESSION, { kind: 'silence' });
    const pingsBefore = tpa.latestSocket().pingCount.value;
    expect(cloud.sendEvent(ALICE, 'phone_notification', notification('unheard'))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(tpa.latestSocket().pingCount.value).toBe(pingsBefore);
    expect(tpa.latestSocket().isOpen).toBe(true);
    expect(tpa.latestSocket().messages.filter((message) => message.type === 'data_stream')).toEqual([]);
  });

  it('streams display and session changes as Server-Sent Events', async () => {
    const { cloud, tpa } = await cloudWithApp();
    const live = await SseReader.open(`${cloud.url}/api/live`);
    await live.next((message) => message.event === 'sessions');
    await startOverHttp(cloud);
    await live.next((message) => message.event === 'sessions' && JSON.stringify(message.data).includes('"state":"active"'));
    tpa.latestSocket().display(NOTES, layouts.textWall('live!'));
    const shown = await live.next((message) => message.event === 'display');
    expect(shown.data).toEqual({ userId: ALICE, view: 'main', state: expect.objectContaining({ layout: layouts.textWall('live!'), packageName: NOTES }) });
    await live.close();
  });

  it('sends a ping comment on idle event streams', async () => {
    const cloud = await use.cloud({ livePingIntervalMs: 50 });
    const live = await SseReader.open(`${cloud.url}/api/live`);
    await live.next((message) => message.comment === 'ping');
    await live.close();
  });

  it('serves the emulator page files, and nothing outside them', async () => {
    const cloud = await use.cloud();
    const folder = fileURLToPath(new URL('../src/emulator/', import.meta.url));
    const file = readdirSync(folder).find((name) => name.endsWith('.js') || name.endsWith('.html'));
    expect(file, 'the emulator folder has a page file').toBeDefined();
    const response = await fetch(`${cloud.url}/emulator/${file}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(readFileSync(`${folder}${file}`, 'utf8'));
    const escape = await call(cloud, 'GET', '/emulator/..%2F..%2Fpackage.json');
    expect(escape.status).toBe(404);
  });
});
