import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSessionWebhookRequest, buildStopWebhookRequest } from '@tpa/sdk/protocol';
import { TestCloud } from '@tpa/sdk/testing';
import { activeResources, resourcesAbove } from '../src/resource-probe.js';
import { captureLog } from './support/log-capture.js';
import { expectJsonError, post } from './support/http.js';
import { API_KEY, expectShowsNotification, mainText, notification, PACKAGE, ProbeApp, sessionIdOf, openOwnedStack, waitLive, type Stack } from './support/probe-app.js';
import { TestResources } from './support/teardown.js';
import { eventually, sleep } from './support/waiting.js';

/**
 * The app misbehaves. The SDK contains it: the session ends cleanly (or keeps going, for a
 * handler), the server and the process stay up, and at the end nothing is left and every
 * session is collectable.
 */

const USER = 'app-fault@example.com';

let resources: TestResources;

beforeEach(() => {
  resources = new TestResources();
});

afterEach(async () => {
  await resources.closeAndCheck();
});


/** Any log line (message or fields) that mentions `pattern`. */
function logged(stack: Stack, pattern: RegExp): number {
  return stack.serverLog.entries.filter((entry) => pattern.test(entry.message) || pattern.test(JSON.stringify(entry.fields))).length;
}

/** The server still starts and runs sessions for other users after the fault. */
async function expectServerStillWorks(stack: Stack): Promise<void> {
  stack.server.behaviour = () => undefined;
  await stack.cloud.startApp('bystander@example.com', PACKAGE);
  await waitLive(stack, 'bystander@example.com');
  await expectShowsNotification(stack, 'bystander@example.com', 'still working');
}

describe("an app's onSession", () => {
  it('throws: the session ends with "error", the webhook answers 500 (so does the retry), the server goes on', async () => {
    const stack = await openOwnedStack(resources);
    stack.server.behaviour = () => {
      throw new Error('onSession bug');
    };
    // The cloud counts the app as started once its socket is acked, before onSession runs.
    await stack.cloud.startApp(USER, PACKAGE);
    await eventually(() => stack.server.ended.length === 2, 'the first session and the one of the cloud retry to end');
    expect(stack.server.ended).toEqual(['error', 'error']);
    expect(stack.server.sessionCount).toBe(0);
    expect(logged(stack, /onSession failed for .*onSession bug/)).toBeGreaterThanOrEqual(2);
    // The cloud keeps the session (its app has no socket) until the user stops it, as documented.
    // The app's cleanups run before its socket's close handshake ends, so wait for the cloud to see it.
    await eventually(() => stack.cloud.listSessions()[0]?.connectedAt === null, 'the cloud to see the socket closed');
    expect(stack.cloud.listSessions()).toMatchObject([{ sessionId: sessionIdOf(USER), connectedAt: null }]);
    await stack.cloud.stopApp(USER, PACKAGE);
    await expectServerStillWorks(stack);
  });

  it('hangs: the webhook is answered in time, the session runs and ends normally, and is collectable', async () => {
    const stack = await openOwnedStack(resources, { server: { webhookResponseTimeoutMs: 300 } });
    stack.server.behaviour = () => new Promise<never>(() => undefined);
    await stack.cloud.startApp(USER, PACKAGE);
    await waitLive(stack, USER);
    await eventually(() => logged(stack, /onSession is still running/) === 1, 'the webhook to be answered while onSession runs');
    await expectShowsNotification(stack, USER, 'while onSession hangs');
    await stack.cloud.stopApp(USER, PACKAGE);
    await eventually(() => stack.server.sessionCount === 0, 'the session to end');
    expect(stack.server.ended).toEqual(['stopped_by_user']);
    await expectServerStillWorks(stack);
  });

  describe('hangs, and the session ends before the webhook was answered', () => {
    async function hangingServer(): Promise<{ cloud: TestCloud; server: ProbeApp; webhook: string }> {
      const cloud = resources.own(await TestCloud.start({ apiKey: API_KEY }));
      const server = new ProbeApp({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, logger: captureLog().logger });
      resources.own(server);
      resources.watchSessions(server.sessions);
      server.behaviour = () => new Promise<never>(() => undefined);
      const webhook = `${(await server.start()).url}/webhook`;
      return { cloud, server, webhook };
    }

    it('by a stop_request: the session_request is answered at once, saying so', async () => {
      const { cloud, server, webhook } = await hangingServer();
      const answer = post(webhook, buildSessionWebhookRequest({ sessionId: sessionIdOf(USER), userId: USER, websocketUrl: cloud.url }));
      await eventually(() => server.getSession(sessionIdOf(USER))?.state === 'connected', 'the session to connect');
      const stopped = await post(webhook, buildStopWebhookRequest({ sessionId: sessionIdOf(USER), userId: USER, reason: 'user_disabled' }));
      expect(stopped.status).toBe(200);
      expect(await answer).toMatchObject({ status: 200, body: { status: 'success', message: 'the session was stopped while it started' } });
      expect(server.ended).toEqual(['stopped_by_user']);
    });

    it('by the server stopping: stop() answers the webhook and leaves no timer behind', async () => {
      const { cloud, server, webhook } = await hangingServer();
      const baseline = activeResources();
      const answer = post(webhook, buildSessionWebhookRequest({ sessionId: sessionIdOf(USER), userId: USER, websocketUrl: cloud.url }));
      await eventually(() => server.getSession(sessionIdOf(USER))?.state === 'connected', 'the session to connect');
      await server.stop();
      expectJsonError(await answer, 503, /shutting down/);
      // No timer of the server outlives stop(); sockets close on their own (checked at the end).
      expect(resourcesAbove(baseline).Timeout).toBeUndefined();
      expect(server.ended).toEqual(['server_shutdown']);
    });
  });
});

describe('a session cleanup', () => {
  it('throws: the other cleanups still run, the error reaches the error handlers, the session ends', async () => {
    const stack = await openOwnedStack(resources);
    let cleanupsAfter = 0;
    stack.server.behaviour = (session) => {
      session.registerCleanup(() => cleanupsAfter++);
      session.registerCleanup(() => {
        throw new Error('cleanup bug');
      });
    };
    await stack.cloud.startApp(USER, PACKAGE);
    await waitLive(stack, USER);
    await stack.cloud.stopApp(USER, PACKAGE);
    await eventually(() => stack.server.sessionCount === 0, 'the session to end');
    expect(cleanupsAfter).toBe(1);
    expect(stack.server.ended).toEqual(['stopped_by_user']);
    expect(stack.server.errorCodes).toEqual(['CLEANUP_FAILED']);
    expect(stack.server.errorMessages[0]).toMatch(/cleanup bug/);
    await expectServerStillWorks(stack);
  });

  it('hangs: it is given up after the cleanup timeout, the others still run, the session ends', async () => {
    const stack = await openOwnedStack(resources);
    let cleanupsAfter = 0;
    stack.server.behaviour = (session) => {
      session.registerCleanup(() => cleanupsAfter++);
      session.registerCleanup(() => new Promise<never>(() => undefined));
    };
    await stack.cloud.startApp(USER, PACKAGE);
    await waitLive(stack, USER);
    await stack.cloud.stopApp(USER, PACKAGE);
    // The session leaves the registry as its ending starts; its cleanups finish (one given up) after.
    await eventually(() => stack.server.sessionCount === 0 && stack.server.errorCodes.length > 0, 'the session to end and report the hanging cleanup');
    expect(cleanupsAfter).toBe(1);
    expect(stack.server.ended).toEqual(['stopped_by_user']);
    expect(stack.server.errorCodes).toEqual(['CLEANUP_FAILED']);
    expect(stack.server.errorMessages[0]).toMatch(/did not finish within 300 ms/);
    await expectServerStillWorks(stack);
  });
});

describe('a handler', () => {
  it('throws on every event (and so does the error handler): every event still reaches the other handlers', async () => {
    const stack = await openOwnedStack(resources, { cloud: { historyLimit: 1_000 } });
    stack.server.behaviour = (session) => {
      session.events.onPhoneNotifications(() => {
        throw new Error('handler bug');
      });
      session.events.onError(() => {
        throw new Error('error handler bug');
      });
    };
    await stack.cloud.startApp(USER, PACKAGE);
    const session = await waitLive(stack, USER);
    const events = 300;
    for (let index = 1; index <= events; index++) stack.cloud.sendEvent(USER, 'phone_notification', notification(`n${index}`));
    await stack.cloud.waitForDisplay(USER, () => mainText(stack.cloud, USER) === `Chat: n${events}`, { timeoutMs: 5_000 });
    await eventually(() => stack.server.errorCodes.length === events, `${events} error events`);
    expect(new Set(stack.server.errorCodes)).toEqual(new Set(['HANDLER_FAILED']));
    expect(logged(stack, /an error handler threw/)).toBe(events);
    expect(stack.cloud.getDisplayHistory(USER).filter((entry) => entry.layout.layoutType === 'text_wall')).toHaveLength(events);
    expect(session.state).toBe('connected');
    await expectShowsNotification(stack, USER, 'after the handler storm');
  });
});

describe('an app timer', () => {
  it('that draws after its session ended: nothing is drawn, nothing throws, session timers made then never run', async () => {
    const stack = await openOwnedStack(resources);
    const late: { drawn?: string; threw?: unknown; ticks: number } = { ticks: 0 };
    stack.server.behaviour = (session) => {
      // The app's own interval, not the session's: it outlives the session, and acts once it ended.
      const poll = setInterval(() => {
        if (session.state !== 'closed') return;
        clearInterval(poll);
        try {
          late.drawn = session.layouts.showTextWall('too late');
          session.setInterval(() => late.ticks++, 5);
          session.setTimeout(() => late.ticks++, 5);
        } catch (error) {
          late.threw = error;
        }
      }, 5);
    };
    await stack.cloud.startApp(USER, PACKAGE);
    await waitLive(stack, USER);
    await stack.cloud.stopApp(USER, PACKAGE);
    await eventually(() => late.drawn !== undefined || late.threw !== undefined, 'the late timer to fire');
    // Past the time of the session timers it made (5 ms).
    await sleep(50);
    expect(late).toEqual({ drawn: 'ended', ticks: 0 });
    expect(stack.cloud.getDisplayHistory(USER).some((entry) => entry.layout.layoutType === 'text_wall' && entry.layout.text === 'too late')).toBe(false);
    await expectServerStillWorks(stack);
  });
});
