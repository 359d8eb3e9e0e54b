import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStreamLogger, type DisconnectInfo, type SessionEndReason, type TpaError, type TpaSession } from '@tpa/sdk';
import { buildTpaConnectionError } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck, type TestCloudOptions } from '@tpa/sdk/testing';
import { SESSION_ID, eventually, sessionFor } from './helpers.js';

let cloud: TestCloud;
let leaks: LeakCheck;

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start();
});

afterEach(async () => {
  await cloud.close();
  leaks.uninstallAndAssert();
});

describe('disconnect', () => {
  it('closes with 1000, runs every cleanup once (last first), and is idempotent', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    const order: string[] = [];
    const reasons: SessionEndReason[] = [];
    session.registerCleanup((reason) => {
      order.push('first registered');
      reasons.push(reason);
    });
    session.registerCleanup(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('second registered');
    });
    const disconnects: DisconnectInfo[] = [];
    session.events.onDisconnected((info) => disconnects.push(info));
    const first = session.disconnect();
    const second = session.disconnect();
    await Promise.all([first, second]);
    await session.disconnect();
    expect(order).toEqual(['second registered', 'first registered']);
    expect(reasons[0]?.kind).toBe('disconnected');
    expect(disconnects).toEqual([{ code: 1000, reason: 'disconnected by the app', willReconnect: false }]);
    expect(await app.waitForClose()).toMatchObject({ code: 1000 });
    expect(session.state).toBe('closed');
  });

  it('clears session timers and intervals, and aborts the signal', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const interval = vi.fn();
    session.setInterval(interval, 5);
    await eventually(() => interval.mock.calls.length > 0, 1_000, 'the interval to tick');
    const signal = session.signal;
    // Due in 10 ms; disconnect() closes the session's scope before it returns, so it comes first.
    const timeout = vi.fn();
    session.setTimeout(timeout, 10);
    const registered = vi.fn();
    session.registerTimer(setTimeout(registered, 10));
    const ending = session.disconnect();
    const ticks = interval.mock.calls.length;
    await ending;
    // Set after the timers and due later, so it fires after they would have.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(timeout).not.toHaveBeenCalled();
    expect(registered).not.toHaveBeenCalled();
    expect(interval.mock.calls.length).toBe(ticks);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ kind: 'disconnected' });
  });

  it('makes a timer that fires after the end harmless: no throw, no display', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    await session.disconnect();
    // An app timer made outside the session, drawing after the session ended.
    const drawn = await new Promise<string>((resolve) => setTimeout(() => resolve(session.layouts.showTextWall('late')), 5));
    expect(drawn).toBe('ended');
    // A session timer made after the end never runs.
    const late = vi.fn();
    session.setTimeout(late, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(late).not.toHaveBeenCalled();
  });

  it('reports a throwing session timer as an error event, and the session goes on', async () => {
    const session = sessionFor(cloud);
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    session.setTimeout(() => {
      throw new Error('tick failed');
    }, 1);
    await eventually(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'CALLBACK_FAILED', message: /tick failed/ });
    expect(session.state).toBe('connected');
    await session.disconnect();
  });

  it('supports await using', async () => {
    const cleanup = vi.fn();
    {
      await using session = sessionFor(cloud);
      await session.connect(SESSION_ID);
      session.registerCleanup(cleanup);
    }
    expect(cleanup).toHaveBeenCalledOnce();
  });
});

describe('the cloud ends the session', () => {
  it('on "App stopped by user" the session ends with stopped_by_user, without reconnecting', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    const reasons: string[] = [];
    session.registerCleanup((reason) => reasons.push(reason.kind));
    const disconnects: DisconnectInfo[] = [];
    session.events.onDisconnected((info) => disconnects.push(info));
    app.stopApp();
    await eventually(() => session.state === 'closed');
    expect(reasons).toEqual(['stopped_by_user']);
    expect(disconnects).toEqual([{ code: 1000, reason: 'App stopped by user', willReconnect: false }]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cloud.connections).toHaveLength(1);
  });

  it('on a 1008 close after the ack the session ends with cloud_closed', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    (await cloud.waitForConnection()).close(1008, 'No active session');
    await eventually(() => session.state === 'closed');
    expect(session.endReason?.kind).toBe('cloud_closed');
  });
});

describe('reconnect', () => {
  it('after an abnormal close: reconnects, re-sends the full subscription list, keeps handlers, piles nothing up', async () => {
    const session = sessionFor(cloud);
    const connected: boolean[] = [];
    const disconnects: DisconnectInfo[] = [];
    session.events.onConnected((_settings, info) => connected.push(info.reconnected));
    session.events.onDisconnected((info) => disconnects.push(info));
    await session.connect(SESSION_ID);
    const seen: string[] = [];
    session.events.onHeadPosition((data) => seen.push(data.position));
    session.subscribe('VAD');
    const first = await cloud.waitForConnection();
    await first.waitForMessage('subscription_update');
    const handlers = session.events.handlerCount;
    const owned = session.scope.size;

    for (let round = 1; round <= 3; round++) {
      cloud.connections.at(-1)?.terminate();
      await eventually(() => cloud.connections.length === round + 1 && session.state === 'connected', 3_000, `reconnect ${round}`);
    }
    const latest = cloud.connections.at(-1);
    expect(latest?.init?.sessionId).toBe(SESSION_ID);
    const update = await latest!.waitForMessage('subscription_update');
    expect(update.subscriptions).toEqual(['VAD', 'head_position']);
    latest!.sendData('head_position', { position: 'up' });
    await eventually(() => seen.length === 1);
    expect(connected).toEqual([false, true, true, true]);
    expect(disconnects.map((info) => info.willReconnect)).toEqual([true, true, true]);
    expect(session.events.handlerCount).toBe(handlers);
    expect(session.scope.size).toBe(owned);
    expect(cloud.openConnections).toHaveLength(1);
    // Displays go through the newest socket only.
    expect(session.layouts.showTextWall('after reconnect')).toBe('sent');
    await latest!.waitForMessage('display_event');
    await session.disconnect();
  });

  it('sends a subscription made while reconnecting on the new socket, with the ones from before', async () => {
    const session = sessionFor(cloud, { reconnect: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100, deadlineMs: 2_000, random: () => 0.99 } });
    session.events.onDisconnected((info) => {
      // Inside the backoff: the session has no socket to send this on.
      if (info.willReconnect) session.events.onPhoneNotifications(() => undefined);
    });
    await session.connect(SESSION_ID);
    session.events.onHeadPosition(() => undefined);
    const first = await cloud.waitForConnection();
    await first.waitForMessage('subscription_update');
    first.terminate();
    const second = await cloud.waitForConnection((connection) => connection !== first);
    const update = await second.waitForMessage('subscription_update');
    expect(update.subscriptions).toEqual(['head_position', 'phone_notification']);
    await session.disconnect();
  });

  it('gives up after its attempts and ends the session exactly once, as disconnect would', async () => {
    const session = sessionFor(cloud, { reconnect: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, deadlineMs: 1_000 } });
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    const cleanup = vi.fn();
    session.registerCleanup(cleanup);
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    await cloud.close();
    await app.waitForClose();
    await eventually(() => session.state === 'closed', 3_000);
    expect(session.endReason?.kind).toBe('connection_lost');
    expect(cleanup).toHaveBeenCalledOnce();
    expect(errors.some((error) => error.code === 'RECONNECT_FAILED')).toBe(true);
    cloud = await TestCloud.start();
  });

  it('gives up at its deadline though attempts remain: RECONNECT_FAILED around the deadline, not after every attempt', async () => {
    // 100 attempts 99 ms apart would take 10 s; the deadline allows the attempts of the first 500 ms.
    const deadlineMs = 500;
    const waitMs = 99;
    const lines: string[] = [];
    const logger = createStreamLogger({ level: 'info', write: (line) => lines.push(line) });
    const session = sessionFor(cloud, { logger, reconnect: { maxAttempts: 100, baseDelayMs: 100, maxDelayMs: 100, deadlineMs, random: () => 0.99 } });
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    const lostAt = Date.now();
    await cloud.close();
    await app.waitForClose();
    await eventually(() => session.state === 'closed', 5_000, 'the session to give up');
    const elapsed = Date.now() - lostAt;
    const attempts = lines.filter((line) => / reconnecting /.test(line)).length;
    expect(errors.map((error) => error.code)).toEqual(['RECONNECT_FAILED']);
    expect(session.endReason?.kind).toBe('connection_lost');
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(Math.floor(deadlineMs / waitMs));
    expect(elapsed).toBeGreaterThanOrEqual(waitMs * attempts);
    expect(elapsed).toBeLessThan(3_000);
    cloud = await TestCloud.start();
  });

  describe('a reconnect the cloud refuses is not retried', () => {
    /**
     * A connected session whose cloud goes away and comes back on the same port as `options`
     * says (refusing it): its reconnects, ten allowed, all go to the new cloud.
     */
    async function sessionWhoseCloudComesBack(options: TestCloudOptions): Promise<{ session: TpaSession; errors: TpaError[] }> {
      const session = sessionFor(cloud, { connectTimeoutMs: 300, reconnect: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 100, deadlineMs: 10_000, random: () => 0.99 } });
      const errors: TpaError[] = [];
      session.events.onError((error) => errors.push(error));
      await session.connect(SESSION_ID);
      const { port } = cloud;
      await cloud.close();
      cloud = await TestCloud.start({ ...options, port });
      return { session, errors };
    }

    async function expectEndedAtFirstRefusal(session: TpaSession, errors: TpaError[]): Promise<void> {
      await eventually(() => session.state === 'closed', 5_000, 'the session to end');
      // Ended, so no attempt can follow: the one refused was the last.
      expect(cloud.connections).toHaveLength(1);
      expect(errors.map((error) => error.code)).toEqual(['RECONNECT_FAILED']);
      expect(errors[0]?.cause).toMatchObject({ code: 'AUTH_REJECTED' });
      expect(session.endReason?.kind).toBe('connection_lost');
    }

    it('refused with a 1008 close (the key no longer valid): one attempt, then the session ends with RECONNECT_FAILED', async () => {
      const { session, errors } = await sessionWhoseCloudComesBack({ apiKey: 'a-rotated-key' });
      await expectEndedAtFirstRefusal(session, errors);
      expect(cloud.connections[0]?.closed).toMatchObject({ code: 1008 });
    });

    it('refused with a tpa_connection_error: one attempt, then the session ends with RECONNECT_FAILED', async () => {
      const { session, errors } = await sessionWhoseCloudComesBack({ ack: false });
      (await cloud.waitForConnection()).send(buildTpaConnectionError('this app is disabled for the user'));
      await expectEndedAtFirstRefusal(session, errors);
    });
  });

  it('with reconnect disabled, a loss ends the session', async () => {
    const session = sessionFor(cloud, { reconnect: false });
    await session.connect(SESSION_ID);
    (await cloud.waitForConnection()).terminate();
    await eventually(() => session.state === 'closed');
    expect(session.endReason?.kind).toBe('connection_lost');
  });

  it('stops reconnecting when disconnected meanwhile', async () => {
    const session = sessionFor(cloud, { reconnect: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 200, deadlineMs: 5_000, random: () => 0.99 } });
    // Disconnecting from the loss event itself lands inside the backoff however slow the machine.
    let ending: Promise<void> | undefined;
    session.events.onDisconnected((info) => {
      if (info.willReconnect) ending = session.disconnect();
    });
    await session.connect(SESSION_ID);
    (await cloud.waitForConnection()).terminate();
    await eventually(() => ending !== undefined);
    await ending;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cloud.connections).toHaveLength(1);
    expect(session.state).toBe('closed');
  });
});

describe('watchdog', () => {
  it('treats a cloud silent past the timeout as lost, and reconnects', async () => {
    const session = sessionFor(cloud, { watchdogTimeoutMs: 150 });
    const disconnects: DisconnectInfo[] = [];
    session.events.onDisconnected((info) => disconnects.push(info));
    await session.connect(SESSION_ID);
    (await cloud.waitForConnection()).goSilent();
    await eventually(() => cloud.connections.length === 2 && session.state === 'connected', 3_000);
    expect(disconnects[0]).toMatchObject({ code: 1006, willReconnect: true });
    await session.disconnect();
  });

  it('counts protocol pings as activity: still on its first socket after pings spanning three watchdog periods', async () => {
    await cloud.close();
    cloud = await TestCloud.start({ pingIntervalMs: 30 });
    const session = sessionFor(cloud, { watchdogTimeoutMs: 600 });
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    // Each pong answers a ping the session read; sixty of them span 1.8 s, three watchdog periods.
    let pongs = 0;
    app.socket.on('pong', () => pongs++);
    await eventually(() => pongs >= 60 || app.closed !== undefined, 10_000, 'sixty pongs, or the socket to close');
    expect(app.closed).toBeUndefined();
    expect(cloud.connections).toHaveLength(1);
    expect(session.state).toBe('connected');
    await session.disconnect();
  });

  it('counts protocol pings as activity', async () => {
    await cloud.close();
    cloud = await TestCloud.start({ pingIntervalMs: 30 });
    // Without the pings the session would reconnect after 1 s; the margin absorbs a stalled loop.
    const session = sessionFor(cloud, { watchdogTimeoutMs: 1_000 });
    await session.connect(SESSION_ID);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(cloud.connections).toHaveLength(1);
    expect(session.state).toBe('connected');
    await session.disconnect();
  });
});
