import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCollected, installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { SESSION_ID, eventually, liveResources, sessionFor } from './helpers.js';

let cloud: TestCloud;
let leaks: LeakCheck;
let baseline: Record<string, number>;

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start();
  baseline = liveResources();
});

afterEach(async () => {
  await cloud.close();
  leaks.uninstallAndAssert();
});

/** Waits until no more sockets and timers are alive than before the test's sessions. */
async function expectBackToBaseline(): Promise<void> {
  const settled = (): boolean => {
    const now = liveResources();
    return (now.TCPSocketWrap ?? 0) <= (baseline.TCPSocketWrap ?? 0) && (now.Timeout ?? 0) <= (baseline.Timeout ?? 0);
  };
  await eventually(settled, 3_000, `resources back to baseline (${JSON.stringify(baseline)} vs ${JSON.stringify(liveResources())})`);
}

/** A session with a bit of everything: handlers, a timer, an interval, a cleanup, an emitter listener. */
async function busySession(config: Parameters<typeof sessionFor>[1] = {}): Promise<WeakRef<object>> {
  const session = sessionFor(cloud, config);
  await session.connect(SESSION_ID);
  session.events.onTranscription(() => undefined);
  session.events.onPhoneNotifications(() => undefined);
  session.setTimeout(() => session.layouts.showTextWall('later'), 60_000);
  session.setInterval(() => session.layouts.showTextWall(session.state), 60_000);
  session.registerCleanup(() => undefined);
  session.scope.listen(process, 'SIGUSR2', () => undefined);
  return new WeakRef(session);
}

describe('nothing outlives a session', () => {
  it('after disconnect: no socket, timer or listener left, and the session is collectable', async () => {
    const listenersBefore = process.listenerCount('SIGUSR2');
    const ref = await busySession();
    expect(process.listenerCount('SIGUSR2')).toBe(listenersBefore + 1);
    await (ref.deref() as { disconnect(): Promise<void> }).disconnect();
    expect(process.listenerCount('SIGUSR2')).toBe(listenersBefore);
    await expectBackToBaseline();
    expect(await isCollected(ref)).toBe(true);
  });

  it('after a permanent loss of the cloud', async () => {
    const ref = await busySession({ reconnect: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10, deadlineMs: 500 } });
    await cloud.close();
    await eventually(() => (ref.deref() as { state: string } | undefined)?.state === 'closed', 3_000);
    cloud = await TestCloud.start();
    baseline = { ...baseline, TCPServerWrap: baseline.TCPServerWrap ?? 0 };
    await expectBackToBaseline();
    expect(await isCollected(ref)).toBe(true);
  });

  it('after a reconnect storm, then disconnect', async () => {
    // Every connection counts as one that lasted: twenty losses in a row, none of them a flap.
    const ref = await busySession({ reconnect: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50, deadlineMs: 2_000, stableAfterMs: 0 } });
    for (let round = 1; round <= 20; round++) {
      cloud.connections.at(-1)?.terminate();
      await eventually(() => cloud.connections.length === round + 1 && (ref.deref() as { state: string }).state === 'connected', 3_000);
    }
    const endSession = async (): Promise<void> => {
      const session = ref.deref() as { events: { handlerCount: number }; disconnect(): Promise<void> };
      expect(session.events.handlerCount).toBe(2);
      await session.disconnect();
    };
    await endSession();
    await expectBackToBaseline();
    expect(await isCollected(ref)).toBe(true);
  });

  it('2,000 connect/subscribe/timer/disconnect cycles leave nothing behind', async () => {
    const refs: Array<WeakRef<object>> = [];
    const heapBefore = process.memoryUsage().heapUsed;
    for (let cycle = 0; cycle < 2_000; cycle++) {
      const ref = await busySession();
      await (ref.deref() as { disconnect(): Promise<void> }).disconnect();
      if (cycle % 100 === 0) refs.push(ref);
    }
    await expectBackToBaseline();
    for (const ref of refs) expect(await isCollected(ref)).toBe(true);
    (globalThis as { gc?: () => void }).gc?.();
    const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    // A leak of a session per cycle would be tens of MB here; the bound is loose on purpose.
    expect(grownMb).toBeLessThan(20);
  }, 60_000);
});
