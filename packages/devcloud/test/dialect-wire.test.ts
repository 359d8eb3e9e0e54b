// What each dialect puts on the wire, seen by a raw `ws` app and a real HTTP webhook receiver:
// socket path, session_request, the ack's settings and extras, settings updates, errors,
// heartbeat and the dismissal stream's name.
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { makeSessionId, type CloudDialect, type TpaConfig } from '@tpa/sdk/protocol';
import { resolveOptions } from '../src/options.js';
import type { DevCloud, DevCloudOptions } from '../src/index.js';
import { AppSocket, type FakeTpa } from './helpers/fake-tpa.js';
import { ALICE, NOTES, NOTES_KEY, useFixtures } from './helpers/fixtures.js';

const SESSION = makeSessionId(ALICE, NOTES);
const DIALECTS: readonly CloudDialect[] = ['spring', 'later'];

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
const SIZES = [{ label: 'Small', value: 's' }, { label: 'Large', value: 'l' }];

describe('the dialects on the wire', () => {
  const use = useFixtures();

  async function startedApp(options: DevCloudOptions, subscriptions?: string[]): Promise<{ cloud: DevCloud; tpa: FakeTpa }> {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, tpaConfig: CONFIG, ...(subscriptions ? { subscriptions } : {}) });
    const cloud = await use.cloud({ apps: [tpa.registration], ...options });
    await cloud.startApp(ALICE, NOTES);
    if (subscriptions) await cloud.waitForSession((s) => s.subscriptions.length === subscriptions.length);
    return { cloud, tpa };
  }

  /** Connects one more socket to the running session and returns its ack. */
  async function reconnect(cloud: DevCloud): Promise<AppSocket> {
    const socket = await use.socket(cloud.websocketUrl);
    socket.init(NOTES, SESSION, NOTES_KEY);
    await socket.waitForMessage('tpa_connection_ack');
    return socket;
  }

  describe.each(DIALECTS)('both dialects: %s', (dialect) => {
    it('names its own socket path, and the session_request carries augmentOSWebsocketUrl only', async () => {
      const { cloud, tpa } = await startedApp({ dialect });
      expect(new URL(cloud.websocketUrl).pathname).toBe(dialect === 'spring' ? '/tpa-ws' : '/app-ws');
      const [webhook] = await tpa.waitForWebhook('session_request');
      const body = JSON.parse(webhook?.rawBody ?? '{}') as Record<string, unknown>;
      expect(body['augmentOSWebsocketUrl']).toBe(cloud.websocketUrl);
      expect(Object.keys(body).sort()).toEqual(['augmentOSWebsocketUrl', 'sessionId', 'timestamp', 'type', 'userId']);
    });

    it('sends every setting as {key, value} in settings_update and POSTs them to <publicUrl>/settings', async () => {
      const { cloud, tpa } = await startedApp({ dialect });
      cloud.updateSettings(ALICE, NOTES, { size: 'l' });
      const pairs = [{ key: 'compact', value: true }, { key: 'size', value: 'l' }];
      const update = await tpa.latestSocket().waitForMessage('settings_update');
      expect(update).toEqual({ type: 'settings_update', packageName: NOTES, sessionId: SESSION, settings: pairs, timestamp: expect.any(String) });
      expect(await tpa.waitForSettingsPost()).toEqual([{ userIdForSettings: ALICE, settings: pairs }]);
    });

    it('pushes no settings to an app of a user with a session but no open socket for it, and only POSTs them for a user with none', async () => {
      const { cloud, tpa } = await startedApp({ dialect, restartGraceMs: 60_000 });
      cloud.injectFault(SESSION, { kind: 'drop' });
      await cloud.waitForSession((s) => s.connectedAt === null);
      cloud.updateSettings(ALICE, NOTES, { size: 'l' });
      cloud.updateSettings('bob@example.com', NOTES, { compact: false });
      expect(await tpa.waitForSettingsPost()).toEqual([{ userIdForSettings: 'bob@example.com', settings: [{ key: 'compact', value: false }, { key: 'size', value: 's' }] }]);
      await sleep(100);
      expect(tpa.settingsPosts).toHaveLength(1);
    });
  });

  describe('spring', () => {
    it("acks a user's first connection with the full shape built from tpa_config.json, every later one with {key, value} pairs, and adds nothing", async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'spring' });
      const first = await tpa.latestSocket().waitForMessage('tpa_connection_ack');
      expect(first.settings).toEqual([
        { key: 'compact', value: true, defaultValue: true, type: 'toggle', label: 'Compact', options: [] },
        { key: 'size', value: 's', defaultValue: 's', type: 'select', label: 'Size', options: SIZES },
      ]);
      expect(Object.keys(JSON.parse(tpa.latestSocket().rawFrames[0] ?? '{}') as object).sort()).toEqual(['sessionId', 'settings', 'timestamp', 'type']);

      const again = await reconnect(cloud);
      expect((await again.waitForMessage('tpa_connection_ack')).settings).toEqual([{ key: 'compact', value: true }, { key: 'size', value: 's' }]);
    });

    it('acks with no settings when a declared setting has no default (storing it would fail)', async () => {
      const config: TpaConfig = { ...CONFIG, settings: [{ type: 'text', key: 'greeting', label: 'Greeting' }] };
      const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, tpaConfig: config });
      const cloud = await use.cloud({ apps: [tpa.registration], dialect: 'spring' });
      await cloud.startApp(ALICE, NOTES);
      expect((await tpa.latestSocket().waitForMessage('tpa_connection_ack')).settings).toEqual([]);
    });

    it('closes a socket with a wrong API key or no session with 1008 and sends no message', async () => {
      const { cloud } = await startedApp({ dialect: 'spring' });
      const impostor = await use.socket(cloud.websocketUrl);
      impostor.init(NOTES, SESSION, 'not-the-key');
      expect(await impostor.closed).toEqual({ code: 1008, reason: 'Invalid API key' });
      const stranger = await use.socket(cloud.websocketUrl);
      stranger.init(NOTES, makeSessionId('bob@example.com', NOTES), NOTES_KEY);
      expect(await stranger.closed).toEqual({ code: 1008, reason: 'No active session' });
      expect([...impostor.rawFrames, ...stranger.rawFrames]).toEqual([]);
    });

    it('refuses subscriptions to the streams it did not know, the whole update with them', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'spring' });
      const socket = tpa.latestSocket();
      for (const [index, stream] of ['phone_notification_dismissed', 'touch_event', 'location_stream', 'transcription:auto'].entries()) {
        socket.subscribe(NOTES, SESSION, ['phone_notification', stream]);
        await expect.poll(() => socket.messages.filter((message) => message.type === 'connection_error')).toHaveLength(index + 1);
      }
      expect(socket.messages.filter((message) => message.type === 'connection_error').map((message) => message.message)).toEqual(Array(4).fill('Error processing message'));
      expect(cloud.listSessions()[0]?.subscriptions).toEqual([]);
      expect(socket.isOpen).toBe(true);
    });

    it('routes a dismissal as notification_dismissed, whichever name the phone used', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'spring' }, ['notification_dismissed']);
      const delivery = [{ packageName: NOTES, sessionId: SESSION, streamType: 'notification_dismissed' }];
      expect(cloud.sendEvent(ALICE, 'notification_dismissed', { notificationId: 'n-1' })).toEqual(delivery);
      expect(cloud.sendEvent(ALICE, 'phone_notification_dismissed', { notificationId: 'n-2' })).toEqual(delivery);
      await expect.poll(() => tpa.latestSocket().messages.filter((message) => message.type === 'data_stream').map((message) => message.streamType)).toEqual(['notification_dismissed', 'notification_dismissed']);
    });
  });

  describe('later', () => {
    it('acks with the declared shape, without values, until the user saves settings, then with pairs; adds augmentosSettings and capabilities', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' });
      const declared = [
        { type: 'toggle', key: 'compact', label: 'Compact', defaultValue: true },
        { type: 'select', key: 'size', label: 'Size', options: SIZES, defaultValue: 's' },
      ];
      const first = await tpa.latestSocket().waitForMessage('tpa_connection_ack');
      expect(first.settings).toEqual(declared);
      expect(first).toMatchObject({
        augmentosSettings: { metricSystemEnabled: false, brightness: 50, headUpAngle: 20, contextualDashboard: true },
        capabilities: { modelName: 'Even Realities G1', hasScreen: true, hasCamera: false, power: { hasExternalBattery: false } },
      });
      expect((await (await reconnect(cloud)).waitForMessage('tpa_connection_ack')).settings).toEqual(declared);

      cloud.updateSettings(ALICE, NOTES, { compact: false });
      expect((await (await reconnect(cloud)).waitForMessage('tpa_connection_ack')).settings).toEqual([{ key: 'compact', value: false }, { key: 'size', value: 's' }]);
    });

    it('answers a frame that is not JSON with close 1011 "Internal server error" and no message', async () => {
      const { tpa } = await startedApp({ dialect: 'later' });
      const socket = tpa.latestSocket();
      socket.sendRaw('{"type": "subscription_update", ');
      expect(await socket.closed).toEqual({ code: 1011, reason: 'Internal server error' });
      expect(socket.messages.filter((message) => message.type !== 'tpa_connection_ack')).toEqual([]);
    });

    it('answers an invalid subscription with tpa_connection_error MALFORMED_MESSAGE, then closes with 1008 and that message', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' });
      const socket = tpa.latestSocket();
      socket.subscribe(NOTES, SESSION, ['phone_notification', 'telepathy', 'transcription:english']);
      const message = 'Invalid subscription type: Invalid subscription type: telepathy';
      expect(await socket.closed).toEqual({ code: 1008, reason: message });
      expect(socket.messages.at(-1)).toEqual({ type: 'tpa_connection_error', code: 'MALFORMED_MESSAGE', message, timestamp: expect.any(String) });
      expect(cloud.listSessions()[0]?.subscriptions).toEqual([]);
    });

    it('answers a wrong API key, and a message before the init, with tpa_connection_error and 1008', async () => {
      const { cloud } = await startedApp({ dialect: 'later' });
      const impostor = await use.socket(cloud.websocketUrl);
      impostor.init(NOTES, SESSION, 'not-the-key');
      expect(await impostor.closed).toEqual({ code: 1008, reason: 'Invalid API key' });
      expect(impostor.messages).toEqual([{ type: 'tpa_connection_error', code: 'INVALID_API_KEY', message: 'Invalid API key', timestamp: expect.any(String) }]);

      const early = await use.socket(cloud.websocketUrl);
      early.subscribe(NOTES, SESSION, ['phone_notification']);
      expect(await early.closed).toEqual({ code: 1008, reason: 'Session not found' });
      expect(early.messages).toEqual([{ type: 'tpa_connection_error', code: 'SESSION_NOT_FOUND', message: 'Session not found', timestamp: expect.any(String) }]);
    });

    it('routes a dismissal as phone_notification_dismissed, whichever name the phone used', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' }, ['phone_notification_dismissed']);
      const delivery = [{ packageName: NOTES, sessionId: SESSION, streamType: 'phone_notification_dismissed' }];
      expect(cloud.sendEvent(ALICE, 'notification_dismissed', { notificationId: 'n-1' })).toEqual(delivery);
      const stream = await tpa.latestSocket().waitForMessage('data_stream');
      expect(stream).toMatchObject({ streamType: 'phone_notification_dismissed', data: { notificationId: 'n-1' } });
    });

    it('pings a socket but never terminates it for being silent', async () => {
      const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: ['hang'] });
      const cloud = await use.cloud({ apps: [tpa.registration], dialect: 'later', pingIntervalMs: 30 });
      const starting = cloud.startApp(ALICE, NOTES);
      await cloud.waitForSession({ state: 'starting' });
      const silent = new AppSocket(new WebSocket(cloud.websocketUrl, { autoPong: false }));
      await new Promise((resolve) => silent.ws.once('open', resolve));
      silent.init(NOTES, SESSION, NOTES_KEY);
      await starting;
      await expect.poll(() => silent.pingCount.value, { timeout: 3_000 }).toBeGreaterThanOrEqual(10);
      expect(silent.isOpen).toBe(true);
      silent.terminate();
    });
  });

  it('takes its heartbeat defaults from the dialect, and explicit options over them', () => {
    expect(resolveOptions({ dialect: 'spring' })).toMatchObject({ pingIntervalMs: 15_000, silenceTimeoutMs: 45_000, restartGraceMs: null });
    expect(resolveOptions({})).toMatchObject({ pingIntervalMs: 10_000, silenceTimeoutMs: null, restartGraceMs: 5_000 });
    expect(resolveOptions({ pingIntervalMs: 50, silenceTimeoutMs: 200, restartGraceMs: 100 })).toMatchObject({ pingIntervalMs: 50, silenceTimeoutMs: 200, restartGraceMs: 100 });
    expect(resolveOptions({ dialect: 'spring', restartGraceMs: 100 }).restartGraceMs).toBeNull();
    expect(() => resolveOptions({ dialect: 'autumn' as CloudDialect })).toThrow(/dialect "autumn" is not one of spring, later/);
  });
});
