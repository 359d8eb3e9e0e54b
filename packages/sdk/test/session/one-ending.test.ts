import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppSetting, TpaError, TpaSession } from '@tpa/sdk';
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

/** A connected session with a long cleanup bound: a cleanup that waits on itself would show as a stall. */
async function connected(): Promise<{ session: TpaSession; errors: TpaError[] }> {
  const session = sessionFor(cloud, { cleanupTimeoutMs: 10_000 });
  const errors: TpaError[] = [];
  session.events.onError((error) => errors.push(error));
  await session.connect(SESSION_ID);
  return { session, errors };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  return Promise.race([promise, delay(ms, 'late' as const)]);
}

describe('a cleanup that awaits its own session ending joins it at once', () => {
  const forms: Array<[string, (session: TpaSession) => void]> = [
    ['registerCleanup(async () => { await session.disconnect() })', (session) => session.registerCleanup(async () => void (await session.disconnect()))],
    ['session.own(() => session.disconnect())', (session) => session.own(() => session.disconnect())],
    ['registerCleanup(async () => { await session.scope.close() })', (session) => session.registerCleanup(async () => void (await session.scope.close()))],
    ['a cleanup that awaits disconnect() after another await', (session) => session.registerCleanup(async () => {
      await delay(5);
      await session.disconnect();
    })],
  ];
  for (const [name, register] of forms) {
    it(name, async () => {
      const { session, errors } = await connected();
      register(session);
      expect(await within(session.disconnect(), 3_000)).not.toBe('late');
      expect(session.state).toBe('closed');
      expect(errors.map((error) => error.code)).toEqual([]);
    });
  }
});

describe('one way to end', () => {
  it('closing session.scope ends the session exactly as disconnect() does: state, event, then cleanups', async () => {
    const { session } = await connected();
    const seen: string[] = [];
    session.events.onDisconnected((info) => seen.push(`disconnected willReconnect=${info.willReconnect} state=${session.state}`));
    session.registerCleanup((reason) => seen.push(`cleanup ${reason.kind} state=${session.state}`));
    const app = await cloud.waitForConnection();
    await session.scope.close({ kind: 'disconnected', message: 'closed through its scope' });
    expect(seen).toEqual(['disconnected willReconnect=false state=closing', 'cleanup disconnected state=closing']);
    expect(session.state).toBe('closed');
    expect(session.endReason?.kind).toBe('disconnected');
    expect(await app.waitForClose()).toMatchObject({ code: 1000 });
  });

  it('disconnect() resolves only when the session is closed, whoever started the ending', async () => {
    const { session } = await connected();
    session.registerCleanup(async () => delay(30));
    const app = await cloud.waitForConnection();
    app.stopApp();
    await eventually(() => session.state === 'closing');
    await session.disconnect();
    expect(session.state).toBe('closed');
  });
});

describe('settings', () => {
  it('a setting that disappears fires its change handler with undefined', async () => {
    const settings: AppSetting[] = [
      { key: 'units', type: 'select', label: 'Units', value: 'metric', defaultValue: 'metric', options: [{ label: 'Metric', value: 'metric' }] },
      { key: 'volume', type: 'slider', label: 'Volume', value: 5, defaultValue: 5, min: 0, max: 10 },
    ] as AppSetting[];
    await cloud.close();
    cloud = await TestCloud.start({ settings });
    const { session } = await connected();
    const changes: unknown[] = [];
    session.events.onSettingChange('volume', (value, previous) => changes.push([value, previous]));
    (await cloud.waitForConnection()).sendSettings(settings.slice(0, 1));
    await eventually(() => changes.length === 1);
    expect(changes).toEqual([[undefined, 5]]);
    await session.disconnect();
  });
});
