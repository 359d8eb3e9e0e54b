// How each dialect stops apps, ends a user's session and recovers from a closed app socket,
// seen by a raw `ws` app and a real HTTP webhook receiver on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildOwnershipRelease, makeSessionId } from '@tpa/sdk/protocol';
import type { DevCloud, DevCloudOptions } from '../src/index.js';
import type { FakeTpa } from './helpers/fake-tpa.js';
import { ALICE, NOTES, NOTES_KEY, useFixtures } from './helpers/fixtures.js';

const SESSION = makeSessionId(ALICE, NOTES);
/** Short enough for a test, long enough that a reconnect made at once beats it. */
const GRACE_MS = 150;
/** Longer than the grace: time enough for a restart that should not come. */
const PAST_GRACE_MS = 4 * GRACE_MS;

describe('the dialects over a session', () => {
  const use = useFixtures();

  async function startedApp(options: DevCloudOptions): Promise<{ cloud: DevCloud; tpa: FakeTpa }> {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, subscriptions: ['phone_notification'] });
    const cloud = await use.cloud({ apps: [tpa.registration], restartGraceMs: GRACE_MS, ...options });
    await cloud.startApp(ALICE, NOTES);
    await cloud.waitForSession((s) => s.subscriptions.length > 0);
    return { cloud, tpa };
  }

  const typesOf = (tpa: FakeTpa, socketIndex: number): string[] => tpa.sockets[socketIndex]?.messages.map((message) => message.type) ?? [];

  describe('stopping an app', () => {
    it('later: sends the stop_request first, then app_stopped with no reason and close 1000 "App stopped"; nothing restarts it', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' });
      const socket = tpa.latestSocket();
      await cloud.stopApp(ALICE, NOTES);

      expect(await socket.closed).toEqual({ code: 1000, reason: 'App stopped' });
      expect(tpa.events).toEqual(['session_request', 'stop_request', 'socket 0 closed 1000']);
      expect(socket.messages.at(-1)).toEqual({ type: 'app_stopped', timestamp: expect.any(String) });
      expect(cloud.listSessions()).toEqual([]);
      await sleep(PAST_GRACE_MS);
      expect(tpa.events).toHaveLength(3);
    });

    it('spring: closes with 1000 "App stopped by user" first, then sends the stop_request, and sends no app_stopped', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'spring' });
      await cloud.stopApp(ALICE, NOTES);
      expect(await tpa.latestSocket().closed).toEqual({ code: 1000, reason: 'App stopped by user' });
      await tpa.waitForWebhook('stop_request');
      expect(tpa.events).toEqual(['session_request', 'socket 0 closed 1000', 'stop_request']);
      expect(typesOf(tpa, 0)).toEqual(['tpa_connection_ack']);
    });
  });

  describe("ending a user's whole session", () => {
    it('spring: closes every app of the user with 1001 "User session ended", sends no webhook, and a reconnect finds no session', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'spring' });
      await cloud.endUserSession(ALICE);
      expect(await tpa.latestSocket().closed).toEqual({ code: 1001, reason: 'User session ended' });
      expect(typesOf(tpa, 0)).toEqual(['tpa_connection_ack']);
      expect(cloud.listSessions()).toEqual([]);

      const again = await use.socket(cloud.websocketUrl);
      again.init(NOTES, SESSION, NOTES_KEY);
      expect(await again.closed).toEqual({ code: 1008, reason: 'No active session' });
      expect(tpa.events).toEqual(['session_request', 'socket 0 closed 1001']);
    });

    it('later: sends app_stopped and closes with 1000 "User session ended", sends no webhook and restarts nothing', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' });
      await cloud.endUserSession(ALICE);
      expect(await tpa.latestSocket().closed).toEqual({ code: 1000, reason: 'User session ended' });
      expect(typesOf(tpa, 0)).toEqual(['tpa_connection_ack', 'app_stopped']);
      await sleep(PAST_GRACE_MS);
      expect(tpa.events).toEqual(['session_request', 'socket 0 closed 1000']);
      expect(cloud.listSessions()).toEqual([]);
    });

    it('fails for a user who runs no app', async () => {
      const cloud = await use.cloud();
      await expect(cloud.endUserSession(ALICE)).rejects.toThrow(/no running session for alice@example\.com/);
    });
  });

  describe('an app socket that closes while the app runs', () => {
    it('later: an app that closed on its own and did not come back is restarted: stop_request, then a new session_request for the same id', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' });
      // A normal close, as an app that ends a session on its own makes it: the later cloud does not exempt it.
      tpa.latestSocket().ws.close(1000);

      const [, restart] = await tpa.waitForWebhook('session_request', 2);
      expect(tpa.events.slice(0, 4)).toEqual(['session_request', 'socket 0 closed 1000', 'stop_request', 'session_request']);
      const [stop] = await tpa.waitForWebhook('stop_request');
      expect(stop?.request).toMatchObject({ sessionId: SESSION, reason: 'user_disabled' });
      expect(restart?.request).toMatchObject({ sessionId: SESSION, userId: ALICE });
      await tpa.sockets[1]?.waitForMessage('tpa_connection_ack');
      await expect(cloud.waitForSession((s) => s.connectedAt !== null && s.subscriptions.length > 0)).resolves.toMatchObject({ sessionId: SESSION, state: 'active' });
    });

    it('later: an app that reconnects within the grace period is not restarted', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' });
      tpa.latestSocket().terminate();
      await cloud.waitForSession((s) => s.connectedAt === null);
      const again = await use.socket(cloud.websocketUrl);
      again.init(NOTES, SESSION, NOTES_KEY);
      await again.waitForMessage('tpa_connection_ack');
      await sleep(PAST_GRACE_MS);
      expect(tpa.webhooks.map((webhook) => webhook.request.type)).toEqual(['session_request']);
      expect(again.isOpen).toBe(true);
    });

    it('later: an app that sent ownership_release before its socket closed is not restarted; its session ends (dormant)', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' });
      const socket = tpa.latestSocket();
      socket.send(buildOwnershipRelease(NOTES, SESSION, 'switching_clouds'));
      await socket.close();
      await expect.poll(() => cloud.listSessions()).toEqual([]);
      await sleep(PAST_GRACE_MS);
      expect(tpa.webhooks.map((webhook) => webhook.request.type)).toEqual(['session_request']);
    });

    it.each([
      ['an invalid subscription (1008)', (tpa: FakeTpa) => tpa.latestSocket().subscribe(NOTES, SESSION, ['telepathy']), 1008],
      ['a frame that is not JSON (1011)', (tpa: FakeTpa) => tpa.latestSocket().sendRaw('{"type":'), 1011],
    ])('later: a close the cloud itself made after %s restarts the app too', async (_what, misbehave, code) => {
      const { cloud, tpa } = await startedApp({ dialect: 'later' });
      misbehave(tpa);
      expect((await tpa.sockets[0]?.closed)?.code).toBe(code);
      await tpa.waitForWebhook('session_request', 2);
      await cloud.waitForSession((s) => s.connectedAt !== null);
      expect(tpa.events.slice(0, 4)).toEqual(['session_request', `socket 0 closed ${code}`, 'stop_request', 'session_request']);
    });

    it('spring: never restarts an app; the session waits for it to reconnect, and ownership_release means nothing', async () => {
      const { cloud, tpa } = await startedApp({ dialect: 'spring' });
      const socket = tpa.latestSocket();
      socket.send(buildOwnershipRelease(NOTES, SESSION, 'clean_shutdown'));
      await socket.close();
      await sleep(PAST_GRACE_MS);
      expect(tpa.webhooks.map((webhook) => webhook.request.type)).toEqual(['session_request']);
      expect(cloud.listSessions()).toEqual([expect.objectContaining({ sessionId: SESSION, state: 'active', connectedAt: null })]);
    });
  });
});
