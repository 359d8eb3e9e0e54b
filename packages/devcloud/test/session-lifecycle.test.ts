import { describe, expect, it } from 'vitest';
import { layouts, makeSessionId, verifyWebhookSignature, SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, type TpaConfig } from '@tpa/sdk/protocol';
import { AppNeverConnectedError, StartCancelledError, UnknownAppError, WebhookFailedError } from '../src/index.js';
import { ALICE, NOTES, NOTES_KEY, notification, useFixtures } from './helpers/fixtures.js';

const SESSION = makeSessionId(ALICE, NOTES);

const CONFIG: TpaConfig = {
  name: 'Notes',
  description: 'notes on the glasses',
  version: '1.0.0',
  settings: [
    { type: 'group', title: 'Display' },
    { type: 'toggle', key: 'compact', label: 'Compact', defaultValue: true },
    { type: 'select', key: 'size', label: 'Size', options: [{ label: 'Small', value: 's' }, { label: 'Large', value: 'l' }], defaultValue: 's' },
  ],
};

describe('starting an app', () => {
  const use = useFixtures();

  it('sends a session_request naming the socket as augmentOSWebsocketUrl only, acks the app with its declared settings and reports it active', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, subscriptions: ['phone_notification'], tpaConfig: CONFIG });
    const cloud = await use.cloud({ apps: [tpa.registration] });

    const session = await cloud.startApp(ALICE, NOTES);

    expect(session).toMatchObject({ sessionId: SESSION, userId: ALICE, packageName: NOTES, state: 'active' });
    expect(session.connectedAt).not.toBeNull();
    const [webhook] = await tpa.waitForWebhook('session_request');
    expect(JSON.parse(webhook?.rawBody ?? '{}')).toEqual({
      type: 'session_request',
      sessionId: SESSION,
      userId: ALICE,
      timestamp: expect.any(String),
      augmentOSWebsocketUrl: cloud.websocketUrl,
    });
    expect(webhook?.headers[SIGNATURE_HEADER]).toBeUndefined();
    const ack = await tpa.latestSocket().waitForMessage('tpa_connection_ack');
    expect(ack.sessionId).toBe(SESSION);
    // The later cloud acks with the declared shape, without values, until the user saves settings.
    expect(ack.settings).toEqual([
      { type: 'toggle', key: 'compact', label: 'Compact', defaultValue: true },
      { type: 'select', key: 'size', label: 'Size', options: [{ label: 'Small', value: 's' }, { label: 'Large', value: 'l' }], defaultValue: 's' },
    ]);
    const subscribed = await cloud.waitForSession((s) => s.subscriptions.includes('phone_notification'));
    expect(subscribed.sessionId).toBe(SESSION);
  });

  it('acks with no settings when the app serves no tpa_config.json', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY });
    const cloud = await use.cloud({ apps: [tpa.registration] });
    await cloud.startApp(ALICE, NOTES);
    expect((await tpa.latestSocket().waitForMessage('tpa_connection_ack')).settings).toEqual([]);
  });

  it('signs webhooks when a secret is configured', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY });
    const cloud = await use.cloud({ apps: [tpa.registration], webhookSecret: 'shh' });
    await cloud.startApp(ALICE, NOTES);
    const [webhook] = await tpa.waitForWebhook('session_request');
    const headers = { signature: String(webhook?.headers[SIGNATURE_HEADER]), timestamp: String(webhook?.headers[SIGNATURE_TIMESTAMP_HEADER]) };
    expect(verifyWebhookSignature('shh', webhook?.rawBody ?? '', headers)).toEqual({ ok: true });
    expect(verifyWebhookSignature('other', webhook?.rawBody ?? '', headers).ok).toBe(false);
  });

  it('retries a failed webhook once, a second later', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: [{ status: 500 }, 'connect'] });
    const cloud = await use.cloud({ apps: [tpa.registration] });
    const startedAt = Date.now();
    const session = await cloud.startApp(ALICE, NOTES);
    expect(session.state).toBe('active');
    expect(tpa.webhooks.map((webhook) => webhook.request.type)).toEqual(['session_request', 'session_request']);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(950);
  });

  it('retries a webhook that got no answer within the timeout', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: ['hang', 'connect'] });
    const cloud = await use.cloud({ apps: [tpa.registration], webhookTimeoutMs: 200, webhookRetryDelayMs: 20 });
    await expect(cloud.startApp(ALICE, NOTES)).resolves.toMatchObject({ state: 'active' });
    expect(tpa.webhooks).toHaveLength(2);
  });

  it('fails with WebhookFailedError after the retry failed too, and keeps no session', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: [{ status: 500 }] });
    const cloud = await use.cloud({ apps: [tpa.registration], webhookRetryDelayMs: 20 });
    const failure = cloud.startApp(ALICE, NOTES);
    await expect(failure).rejects.toThrow(WebhookFailedError);
    await expect(failure).rejects.toThrow(/HTTP 500.*after 2 attempts/);
    expect(cloud.listSessions()).toEqual([]);
  });

  it('fails with AppNeverConnectedError when the app answers the webhook but never connects', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: [{ status: 200 }] });
    const cloud = await use.cloud({ apps: [tpa.registration], webhookTimeoutMs: 150 });
    await expect(cloud.startApp(ALICE, NOTES)).rejects.toThrow(AppNeverConnectedError);
    expect(cloud.listSessions()).toEqual([]);
  });

  it('refuses to start an app it does not know', async () => {
    const cloud = await use.cloud();
    await expect(cloud.startApp(ALICE, 'com.example.nothing')).rejects.toThrow(UnknownAppError);
  });

  it('checks the API key: a wrong one is closed with 1008, the right one is acked', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: ['hang'] });
    const cloud = await use.cloud({ apps: [tpa.registration], webhookTimeoutMs: 5000 });
    const starting = cloud.startApp(ALICE, NOTES);
    await cloud.waitForSession({ sessionId: SESSION, state: 'starting' });

    const impostor = await use.socket(cloud.websocketUrl);
    impostor.init(NOTES, SESSION, 'not-the-key');
    expect(await impostor.closed).toEqual({ code: 1008, reason: 'Invalid API key' });

    const real = await use.socket(cloud.websocketUrl);
    real.init(NOTES, SESSION, NOTES_KEY);
    await real.waitForMessage('tpa_connection_ack');
    await expect(starting).resolves.toMatchObject({ state: 'active' });
  });

  it('refuses a socket that names no running session: SESSION_NOT_FOUND, then 1008', async () => {
    const cloud = await use.cloud({ apps: [{ packageName: NOTES, webhookUrl: 'http://127.0.0.1:9/webhook', apiKey: NOTES_KEY }] });
    const socket = await use.socket(cloud.websocketUrl);
    socket.init(NOTES, SESSION, NOTES_KEY);
    expect(await socket.closed).toEqual({ code: 1008, reason: 'Session not found' });
    expect(socket.messages).toEqual([{ type: 'tpa_connection_error', code: 'SESSION_NOT_FOUND', message: 'Session not found', timestamp: expect.any(String) }]);
  });
});

describe('stopping and restarting an app', () => {
  const use = useFixtures();

  it('spring: closes the socket with 1000 "App stopped by user", then sends a stop_request, and forgets the session and its display', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY });
    const cloud = await use.cloud({ apps: [tpa.registration], dialect: 'spring' });
    await cloud.startApp(ALICE, NOTES);
    const socket = tpa.latestSocket();
    socket.display(NOTES, layouts.textWall('hello'));
    await cloud.waitForDisplay(ALICE, (display) => display.views.main !== null);

    await cloud.stopApp(ALICE, NOTES);

    expect(await socket.closed).toEqual({ code: 1000, reason: 'App stopped by user' });
    const [stop] = await tpa.waitForWebhook('stop_request');
    expect(stop?.request).toMatchObject({ type: 'stop_request', sessionId: SESSION, userId: ALICE, reason: 'user_disabled' });
    expect(tpa.events.slice(-2)).toEqual(['socket 0 closed 1000', 'stop_request']);
    expect(cloud.listSessions()).toEqual([]);
    expect(cloud.getDisplay(ALICE).views.main).toBeNull();
  });

  it('cancels a start that is still waiting and still tells the app to stop', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: ['hang'] });
    const cloud = await use.cloud({ apps: [tpa.registration] });
    const starting = expect(cloud.startApp(ALICE, NOTES)).rejects.toThrow(StartCancelledError);
    await tpa.waitForWebhook('session_request');
    await cloud.stopApp(ALICE, NOTES);
    await starting;
    await tpa.waitForWebhook('stop_request');
  });

  it('replaces a running session on a new start: the old socket is closed before the new session_request', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, subscriptions: ['phone_notification'] });
    const cloud = await use.cloud({ apps: [tpa.registration] });
    await cloud.startApp(ALICE, NOTES);
    await cloud.startApp(ALICE, NOTES);

    expect(tpa.events.slice(0, 3)).toEqual(['session_request', 'socket 0 closed 1000', 'session_request']);
    expect(cloud.listSessions()).toHaveLength(1);
    await cloud.waitForSession((s) => s.subscriptions.length > 0);
    expect(cloud.sendEvent(ALICE, 'phone_notification', notification('Hi'))).toHaveLength(1);
    await tpa.sockets[1]?.waitForMessage('data_stream');
    expect(tpa.sockets[0]?.messages.filter((message) => message.type === 'data_stream')).toEqual([]);
  });
});

describe('an app that reconnects', () => {
  const use = useFixtures();

  it('may reconnect after an abnormal close and gets the events on its new socket', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, subscriptions: ['phone_notification'] });
    const cloud = await use.cloud({ apps: [tpa.registration] });
    await cloud.startApp(ALICE, NOTES);
    await cloud.waitForSession((s) => s.subscriptions.length > 0);

    tpa.latestSocket().terminate();
    await cloud.waitForSession((s) => s.connectedAt === null);
    expect(cloud.listSessions()[0]).toMatchObject({ state: 'active', connectedAt: null });
    expect(cloud.sendEvent(ALICE, 'phone_notification', notification('lost'))).toEqual([]);

    const again = await use.socket(cloud.websocketUrl);
    again.init(NOTES, SESSION, NOTES_KEY);
    await again.waitForMessage('tpa_connection_ack');
    expect(cloud.sendEvent(ALICE, 'phone_notification', notification('found'))).toEqual([
      { packageName: NOTES, sessionId: SESSION, streamType: 'phone_notification' },
    ]);
    const delivered = await again.waitForMessage('data_stream');
    expect(delivered.data).toMatchObject({ title: 'found' });
  });

  it('routes to the newest socket, and a late close of the old one does not detach it', async () => {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, subscriptions: ['phone_notification'] });
    const cloud = await use.cloud({ apps: [tpa.registration] });
    await cloud.startApp(ALICE, NOTES);
    await cloud.waitForSession((s) => s.subscriptions.length > 0);
    const old = tpa.latestSocket();

    const newer = await use.socket(cloud.websocketUrl);
    newer.init(NOTES, SESSION, NOTES_KEY);
    await newer.waitForMessage('tpa_connection_ack');
    expect((await old.closed).code).toBe(1000);

    expect(cloud.listSessions()[0]?.connectedAt).not.toBeNull();
    cloud.sendEvent(ALICE, 'phone_notification', notification('to the newest'));
    await newer.waitForMessage('data_stream');
    newer.display(NOTES, layouts.textWall('drawn by the newest'));
    await cloud.waitForDisplay(ALICE, (display) => display.views.main?.layout.layoutType === 'text_wall');
  });
});
