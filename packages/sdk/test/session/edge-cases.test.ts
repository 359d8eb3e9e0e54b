import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scope, type DisconnectInfo, type TpaError } from '@tpa/sdk';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
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

describe('re-entrant endings', () => {
  it('a disconnected handler that calls disconnect() joins the ending: one event, no crash', async () => {
    const session = sessionFor(cloud);
    const events: DisconnectInfo[] = [];
    session.events.onDisconnected((info) => {
      events.push(info);
      void session.disconnect();
    });
    await session.connect(SESSION_ID);
    (await cloud.waitForConnection()).stopApp();
    await eventually(() => session.state === 'closed');
    expect(events).toHaveLength(1);
    expect(session.endReason?.kind).toBe('stopped_by_user');
  });

  it('a cleanup that calls disconnect() during reconnect backoff gives one final disconnected event', async () => {
    const session = sessionFor(cloud, { reconnect: { maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 300, deadlineMs: 5_000, random: () => 0.99 } });
    const finals: DisconnectInfo[] = [];
    session.events.onDisconnected((info) => {
      if (!info.willReconnect) finals.push(info);
    });
    session.registerCleanup(() => session.disconnect());
    let ending: Promise<void> | undefined;
    session.events.onDisconnected((info) => {
      if (info.willReconnect) ending = session.disconnect(); // inside the backoff, however slow the machine
    });
    await session.connect(SESSION_ID);
    (await cloud.waitForConnection()).terminate();
    await eventually(() => ending !== undefined);
    await ending;
    expect(finals).toHaveLength(1);
  });

  it('a cleanup that closes its own scope joins the close, and every cleanup sees the first reason', async () => {
    const scope = new Scope({ name: 'self-closing' });
    const seen: string[] = [];
    scope.onClose((reason) => seen.push(reason.kind));
    scope.onClose(() => void scope.close({ kind: 'inner' }));
    const result = await scope.close({ kind: 'outer' });
    expect(result.reason.kind).toBe('outer');
    expect(scope.closeReason?.kind).toBe('outer');
    expect(seen).toEqual(['outer']);
  });
});

describe('handlers and timers at the edges', () => {
  it('a handler that re-registers itself runs once per event', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    let runs = 0;
    session.events.onButtonPress(() => undefined);
    const once = (): void => {
      runs++;
      off();
      off = session.events.onButtonPress(once);
    };
    let off = session.events.onButtonPress(once);
    await app.waitForMessage('subscription_update');
    app.sendData('button_press', { buttonId: 'main', pressType: 'short' });
    app.sendData('button_press', { buttonId: 'main', pressType: 'short' });
    await eventually(() => runs >= 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(2);
    await session.disconnect();
  });

  it('registerTimer forgets timers that fired or were cleared elsewhere, so a long session stays bounded', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const baseline = session.scope.size;
    // A timer per event, for ten bursts of a hundred events: each burst's timers fire before the next.
    for (let burst = 0; burst < 10; burst++) {
      for (let index = 0; index < 100; index++) session.registerTimer(setTimeout(() => undefined, 1));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const cleared = session.registerTimer(setTimeout(() => undefined, 60_000));
    clearTimeout(cleared);
    const live = session.registerTimer(setTimeout(() => undefined, 60_000));
    // Spent timers are forgotten whenever the set has doubled: at most twice the live ones (one
    // burst) stay, never all 1,002.
    expect(session.scope.size - baseline).toBeLessThanOrEqual(2 * 100 + 2);
    await session.disconnect();
    expect(session.scope.size).toBe(0);
    void live;
  });

  it('handlers registered after the end are refused, never kept', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    await session.disconnect();
    const off = session.events.onPhoneNotifications(() => undefined);
    session.subscribe('VAD');
    session.events.onError(() => undefined);
    expect(session.events.handlerCount).toBe(0);
    expect(session.events.subscriptions()).toEqual([]);
    off();
  });

  it('an interval stops the moment the session starts ending, even while a cleanup is slow', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const ticks = vi.fn();
    session.setInterval(ticks, 2);
    session.registerCleanup(() => new Promise((resolve) => setTimeout(resolve, 60)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const ending = session.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const atEnd = ticks.mock.calls.length;
    await ending;
    expect(ticks.mock.calls.length).toBe(atEnd);
  });

  it('delivers nothing once the session started ending: a message read during a slow cleanup reaches no handler', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    const presses: string[] = [];
    session.events.onButtonPress((press) => presses.push(press.pressType));
    await app.waitForMessage('subscription_update');
    // Registered after the connection, so it runs while the socket is still open.
    session.registerCleanup(async () => {
      app.sendData('button_press', { buttonId: 'main', pressType: 'long' });
      // The pong answers a ping sent after the data: once it is back, the session has read the data.
      const pong = once(app.socket, 'pong');
      app.socket.ping();
      await pong;
    });
    await session.disconnect();
    expect(presses).toEqual([]);
  });

  it('cleanup failures reach error handlers', async () => {
    const session = sessionFor(cloud, { cleanupTimeoutMs: 50 });
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    session.registerCleanup(() => {
      throw new Error('cleanup bug');
    });
    session.registerCleanup(() => new Promise(() => undefined));
    await session.disconnect();
    expect(errors.map((error) => error.code)).toEqual(['CLEANUP_FAILED']);
    expect((errors[0] as TpaError & { errors: unknown[] }).errors).toHaveLength(2);
  });
});

describe('connecting at the edges', () => {
  it('an ack with one bad setting still connects; the bad setting is an error event', async () => {
    await cloud.close();
    cloud = await TestCloud.start({
      settings: [
        { type: 'text', key: 'name', label: 'Name', value: 'Ada' },
        { type: 'toggle', key: 'broken', label: 'Broken', defaultValue: 'yes' } as never,
      ],
    });
    const session = sessionFor(cloud);
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    expect(session.settings.get('name')).toBe('Ada');
    expect(session.settings.has('broken')).toBe(false);
    expect(errors[0]?.message).toMatch(/setting "broken"/);
    await session.disconnect();
  });

  it('disconnect before the ack closes the socket with 1000', async () => {
    await cloud.close();
    cloud = await TestCloud.start({ ack: false });
    const session = sessionFor(cloud);
    const connecting = session.connect(SESSION_ID).catch((error: unknown) => error);
    const app = await cloud.waitForConnection();
    await session.disconnect();
    expect(await connecting).toMatchObject({ code: 'SESSION_CLOSED' });
    expect(await app.waitForClose()).toMatchObject({ code: 1000 });
  });

  it('an invalid cloud URL is a CONNECTION_FAILED session error', async () => {
    const session = sessionFor(cloud, { augmentOSWebsocketUrl: 'not a url' });
    await expect(session.connect(SESSION_ID)).rejects.toMatchObject({ name: 'SessionError', code: 'CONNECTION_FAILED' });
    expect(session.state).toBe('closed');
  });

  it('a silent cloud that still pings would keep the session; goSilent stops both', async () => {
    await cloud.close();
    cloud = await TestCloud.start({ pingIntervalMs: 20 });
    const session = sessionFor(cloud, { watchdogTimeoutMs: 100, reconnect: false });
    await session.connect(SESSION_ID);
    (await cloud.waitForConnection()).goSilent();
    await eventually(() => session.state === 'closed', 2_000);
    expect(session.endReason?.kind).toBe('connection_lost');
  });
});
