import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ViewType, type Layout } from '@tpa/sdk';
import { installLeakCheck, TestCloud, type LeakCheck, type TestCloudConnection } from '@tpa/sdk/testing';
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

/** The layouts a connection received, as `view: text`, in order. */
function drawn(connection: TestCloudConnection): string[] {
  return connection.messages.flatMap((message) => {
    if (message.type !== 'display_event') return [];
    const layout = message.layout as Layout;
    const text = layout.layoutType === 'text_wall' ? layout.text : layout.layoutType === 'dashboard_card' ? `${layout.leftText}|${layout.rightText}` : layout.layoutType;
    return [`${message.view}: ${text}`];
  });
}

describe('drawing while the connection is down', () => {
  it('says sent, queued or ended, and a new connection shows the latest display of each view', async () => {
    // A fixed, long-enough backoff: the draws below happen while the session waits to reconnect.
    const session = sessionFor(cloud, { reconnect: { maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 300, deadlineMs: 5_000, random: () => 0.99 } });
    await session.connect(SESSION_ID);
    const first = await cloud.waitForConnection();
    expect(session.layouts.showTextWall('before the drop')).toBe('sent');
    expect(session.layouts.showDashboardCard('Battery', '80%')).toBe('sent');
    await eventually(() => drawn(first).length === 2);

    const during: string[] = [];
    session.events.onDisconnected((info) => {
      if (!info.willReconnect) return;
      during.push(session.state);
      during.push(session.layouts.showTextWall('while reconnecting 1'));
      during.push(session.layouts.showTextWall('while reconnecting 2'));
    });
    first.terminate();
    await eventually(() => cloud.connections.length === 2 && session.state === 'connected', 3_000, 'the reconnect');
    expect(during).toEqual(['reconnecting', 'queued', 'queued']);
    const second = cloud.connections[1]!;
    // The newest display of each view, once, on the new connection: the glasses show the current state.
    await eventually(() => drawn(second).length === 2, 2_000, 'the displays on the new connection');
    expect(drawn(second).sort()).toEqual(['dashboard: Battery|80%', 'main: while reconnecting 2']);

    await session.disconnect();
    expect(session.layouts.showTextWall('after the end')).toBe('ended');
    expect(session.layouts.clearView()).toBe('ended');
  });

  it('does not show again a display whose duration ran out while the connection was down', async () => {
    const session = sessionFor(cloud, { reconnect: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 200, deadlineMs: 5_000, random: () => 0.99 } });
    await session.connect(SESSION_ID);
    const first = await cloud.waitForConnection();
    expect(session.layouts.showTextWall('short', { durationMs: 50 })).toBe('sent');
    expect(session.layouts.showDashboardCard('Long', 'lived')).toBe('sent');
    first.terminate();
    await eventually(() => cloud.connections.length === 2 && session.state === 'connected', 3_000, 'the reconnect');
    const second = cloud.connections[1]!;
    await eventually(() => drawn(second).length >= 1, 2_000);
    // Give a wrongly re-sent main display the time to arrive after the dashboard card.
    session.layouts.showTextWall('marker', { view: ViewType.DASHBOARD });
    await eventually(() => drawn(second).includes('dashboard: marker'));
    expect(drawn(second)).toEqual(['dashboard: Long|lived', 'dashboard: marker']);
    await session.disconnect();
  });

  it('queues what is drawn before the first connection and sends it with the ack', async () => {
    const session = sessionFor(cloud);
    expect(session.layouts.showTextWall('early')).toBe('queued');
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    await eventually(() => drawn(app).length === 1);
    expect(drawn(app)).toEqual(['main: early']);
    await session.disconnect();
  });
});
