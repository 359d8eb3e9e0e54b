import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DisconnectInfo, SessionEndReason } from '@tpa/sdk';
import { createDevCloud, type DevCloudOptions } from '@tpa/devcloud';
import { buildSessionWebhookRequest } from '@tpa/sdk/protocol';
import { TestCloud } from '@tpa/sdk/testing';
import { activeResources, trackTimers } from '../src/resource-probe.js';
import { expectJsonError, post } from './support/http.js';
import { API_KEY, expectShowsNotification, FAST_CLOUD, PACKAGE, ProbeApp, sessionIdOf, openOwnedStack, waitLive, type Stack } from './support/probe-app.js';
import { TestResources } from './support/teardown.js';
import { eventually, sleep } from './support/waiting.js';

/**
 * The cloud misbehaves. Each fault has its documented outcome (a reconnect, or a clean end of the
 * session), the process stays up, and at the end nothing is left: no scope, socket or timer, and
 * every session the app was given is collectable.
 */

const USER = 'fault-user@example.com';

let resources: TestResources;

beforeEach(() => {
  resources = new TestResources();
});

afterEach(async () => {
  await resources.closeAndCheck();
});


/** Starts the app for the user and returns its live session, with its disconnect events recorded. */
async function startLive(stack: Stack): Promise<{ disconnects: DisconnectInfo[] }> {
  await stack.cloud.startApp(USER, PACKAGE);
  const session = await waitLive(stack, USER);
  const disconnects: DisconnectInfo[] = [];
  session.events.onDisconnected((info) => disconnects.push(info));
  await expectShowsNotification(stack, USER, 'before the fault');
  return { disconnects };
}

/** What there was before a fault: the sockets open, and how far the cloud's log went. */
interface BeforeFault {
  readonly sockets: number;
  readonly cloudLogLength: number;
}

function beforeFault(stack: Stack): BeforeFault {
  return { sockets: activeResources().TCPSocketWrap ?? 0, cloudLogLength: stack.cloudLog.entries.length };
}

/**
 * The session came back on a new socket: same session object, same handlers, its subscriptions
 * sent again on the new socket (the dev cloud keeps the old ones, so only its log shows the
 * update), sockets not piling up.
 */
async function expectReconnected(stack: Stack, before: BeforeFault): Promise<void> {
  const session = stack.server.getSession(sessionIdOf(USER));
  const handlers = session?.events.handlerCount;
  await eventually(() => stack.server.reconnects === 1, 'the session to reconnect');
  expect(await waitLive(stack, USER)).toBe(session);
  const resubscribed = (): boolean =>
    stack.cloudLog.entries
      .slice(before.cloudLogLength)
      .some((entry) => entry.message === 'subscriptions updated' && entry.fields.sessionId === sessionIdOf(USER) && (entry.fields.subscriptions as string[]).includes('phone_notification'));
  await eventually(resubscribed, 'the subscription_update the session sends on its new socket');
  await expectShowsNotification(stack, USER, 'after the fault');
  expect(session?.events.handlerCount).toBe(handlers);
  expect(stack.server.sessionCount).toBe(1);
  expect(stack.cloud.listSessions()).toHaveLength(1);
  expect(stack.server.ended).toEqual([]);
  await eventually(() => (activeResources().TCPSocketWrap ?? 0) === before.sockets, `as many sockets as before the fault (${before.sockets})`);
}

describe('faults of the cloud', () => {
  it('closes the socket abruptly (no close frame): the session reconnects', async () => {
    const stack = await openOwnedStack(resources);
    const { disconnects } = await startLive(stack);
    const before = beforeFault(stack);
    stack.cloud.injectFault(sessionIdOf(USER), { kind: 'drop' });
    await expectReconnected(stack, before);
    expect(disconnects).toEqual([{ code: 1006, reason: '', willReconnect: true }]);
  });

  it('closes with 1011 (internal error): the session reconnects', async () => {
    const stack = await openOwnedStack(resources);
    const { disconnects } = await startLive(stack);
    const before = beforeFault(stack);
    stack.cloud.injectFault(sessionIdOf(USER), { kind: 'close', code: 1011, reason: 'database on fire' });
    await expectReconnected(stack, before);
    expect(disconnects).toEqual([{ code: 1011, reason: 'database on fire', willReconnect: true }]);
  });

  it('goes silent (no pongs, no data): the watchdog notices and the session reconnects', async () => {
    const stack = await openOwnedStack(resources);
    await startLive(stack);
    const before = beforeFault(stack);
    stack.cloud.injectFault(sessionIdOf(USER), { kind: 'silence' });
    await expectReconnected(stack, before);
    expect(stack.serverLog.matching(/no message or ping from the cloud/)).toHaveLength(1);
  });

  it('restarts on the same port: the old session ends cleanly (the new cloud does not know it), and a new start works', async () => {
    const stack = await openOwnedStack(resources);
    await startLive(stack);
    const session = stack.server.getSession(sessionIdOf(USER));
    const ended = new Promise<SessionEndReason>((resolve) => session?.registerCleanup(resolve));
    const { port } = stack.cloud;
    await stack.cloud.close();
    const restarted = resources.own(await createDevCloud({ ...FAST_CLOUD, port }));
    restarted.registerApp({ packageName: PACKAGE, webhookUrl: stack.webhookUrl, apiKey: API_KEY });
    expect((await ended).kind).toBe('connection_lost');
    expect(stack.server.errorCodes).toContain('RECONNECT_FAILED');
    expect(stack.server.sessionCount).toBe(0);
    const again: Stack = { ...stack, cloud: restarted };
    await restarted.startApp(USER, PACKAGE);
    await waitLive(again, USER);
    await expectShowsNotification(again, USER, 'after the restart');
    expect(restarted.websocketUrl).toBe(`ws://127.0.0.1:${port}/app-ws`);
  });

  it('refuses the connection: the start answers 500 JSON and leaves nothing; a live session whose cloud stays away ends', async () => {
    const stack = await openOwnedStack(resources);
    const closed = createNetServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const refusingPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const request = buildSessionWebhookRequest({ sessionId: sessionIdOf('refused'), userId: 'refused', websocketUrl: `ws://127.0.0.1:${refusingPort}/tpa-ws` });
    const response = await post(stack.webhookUrl, request);
    expectJsonError(response, 500, /Failed to connect/);
    expect(response.body.code).toBe('CONNECTION_FAILED');
    expect(stack.server.sessionCount).toBe(0);

    await startLive(stack);
    const ended = new Promise<SessionEndReason>((resolve) => stack.server.getSession(sessionIdOf(USER))?.registerCleanup(resolve));
    await stack.cloud.close();
    expect((await ended).kind).toBe('connection_lost');
    expect(stack.server.sessionCount).toBe(0);
  });

  it('acks slowly: a slow ack within the connect timeout starts the session; a later one fails it, leaving nothing', async () => {
    const slow = resources.own(await TestCloud.start({ apiKey: API_KEY, ackDelayMs: 150 }));
    const tooSlow = resources.own(await TestCloud.start({ apiKey: API_KEY, ackDelayMs: 1_200 }));
    const server = new ProbeApp({
      packageName: PACKAGE,
      apiKey: API_KEY,
      host: '127.0.0.1',
      port: 0,
      augmentOSWebsocketUrl: slow.url,
      session: { connectTimeoutMs: 600 },
    });
    resources.own(server);
    resources.watchSessions(server.sessions);
    const webhook = `${(await server.start()).url}/webhook`;
    const ok = await post(webhook, buildSessionWebhookRequest({ sessionId: sessionIdOf('patient'), userId: 'patient', websocketUrl: slow.url }));
    expect(ok).toMatchObject({ status: 200, body: { status: 'success' } });
    const failed = await post(webhook, buildSessionWebhookRequest({ sessionId: sessionIdOf('impatient'), userId: 'impatient', websocketUrl: tooSlow.url }));
    expectJsonError(failed, 500, /Failed to connect/);
    expect(failed.body.code).toBe('CONNECT_TIMEOUT');
    await tooSlow.connections[0]?.waitForClose();
    // The ack the slow cloud sends later finds no socket and starts nothing.
    await sleep(700);
    expect(server.sessionCount).toBe(1);
    expect(server.getSession(sessionIdOf('patient'))?.state).toBe('connected');
    expect(tooSlow.openConnections).toHaveLength(0);
  });
});

describe('the webhook times out', () => {
  const slowWebhooks: DevCloudOptions = { webhookTimeoutMs: 300, webhookRetryDelayMs: 50 };

  it('an app answering after the cloud gave up: the retry shares the start in flight, one session runs', async () => {
    const stack = await openOwnedStack(resources, { cloud: slowWebhooks });
    stack.server.behaviour = () => sleep(1_000);
    await stack.cloud.startApp(USER, PACKAGE);
    await waitLive(stack, USER);
    await eventually(() => stack.serverLog.matching(/retried while the first is in flight/).length === 1, 'the retry of the webhook to arrive');
    await sleep(1_000);
    expect(stack.server.sessions).toHaveLength(1);
    expect(stack.server.sessionCount).toBe(1);
    expect(stack.cloud.listSessions()).toMatchObject([{ sessionId: sessionIdOf(USER), state: 'active' }]);
    await expectShowsNotification(stack, USER, 'after the slow webhook');
  });

  it('a webhook route that never answers: the start fails after the retry and the cloud closes both requests', async () => {
    const requests: IncomingMessage[] = [];
    const hanging = createHttpServer((request) => requests.push(request));
    hanging.listen(0, '127.0.0.1');
    await once(hanging, 'listening');
    resources.own({ close: () => new Promise((resolve) => hanging.close(resolve)) });
    const cloud = resources.own(await createDevCloud({ ...FAST_CLOUD, ...slowWebhooks }));
    const { port } = hanging.address() as { port: number };
    cloud.registerApp({ packageName: PACKAGE, webhookUrl: `http://127.0.0.1:${port}/webhook`, apiKey: API_KEY });
    await expect(cloud.startApp(USER, PACKAGE)).rejects.toMatchObject({ code: 'WEBHOOK_FAILED', message: /no answer within 300 ms \(after 2 attempts\)/ });
    expect(cloud.listSessions()).toEqual([]);
    const webhooks = requests.filter((request) => request.method === 'POST');
    expect(webhooks).toHaveLength(2);
    await eventually(() => requests.every((request) => request.destroyed), 'the cloud to close every request it gave up on');
  });
});

describe('no fault at all', () => {
  it('a start and a stop leave no timer at either end, though the cloud waits up to 10 s for a webhook', async () => {
    const stack = await openOwnedStack(resources, { cloud: { webhookTimeoutMs: 10_000 } });
    const timers = trackTimers({ stacks: true, ignore: /[\\/](vitest|@vitest)[\\/]/ });
    try {
      await stack.cloud.startApp(USER, PACKAGE);
      await waitLive(stack, USER);
      // The app answers the webhook after its socket was acked: let that answer arrive.
      await sleep(200);
      await stack.cloud.stopApp(USER, PACKAGE);
      await eventually(() => stack.server.sessionCount === 0, 'the session to end');
      await eventually(() => timers.pending().length === 0, `no pending timer; left:\n${timers.pending().join('\n---\n')}`, 1_000).catch(() => undefined);
      expect(timers.pending()).toEqual([]);
    } finally {
      timers.stop();
    }
  });
});
