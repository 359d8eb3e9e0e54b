import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_WEBSOCKET_PATH, TPA_WEBSOCKET_PATH } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { SESSION_ID, eventually, sessionFor } from './helpers.js';

let cloud: TestCloud | undefined;
let leaks: LeakCheck;

beforeEach(() => {
  leaks = installLeakCheck();
});

afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
  leaks.uninstallAndAssert();
});

// W7: the later cloud renamed the dismissal stream (2ab870a5a, 2025-07-14), and the spring cloud
// refuses a subscription it does not know, losing the whole update (subscription.service.ts L84-87).
const DIALECTS = [
  ['spring (/tpa-ws)', TPA_WEBSOCKET_PATH, 'notification_dismissed', { notificationId: 'n1' }],
  ['later (/app-ws)', APP_WEBSOCKET_PATH, 'phone_notification_dismissed', { notificationId: 'n1', app: 'Chat', title: 't', content: 'c', notificationKey: 'k' }],
] as const;

describe('the dismissal stream under each cloud\'s name', () => {
  it.each(DIALECTS)('%s: subscribes with that name and delivers it to onNotificationDismissed', async (_name, path, streamName, payload) => {
    cloud = await TestCloud.start({ path });
    const session = sessionFor(cloud);
    const dismissed: string[] = [];
    session.events.onNotificationDismissed((data) => dismissed.push(data.notificationId));
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    const update = await app.waitForMessage('subscription_update');
    expect(update.subscriptions).toEqual([streamName]);
    app.sendData(streamName, payload);
    await eventually(() => dismissed.length === 1);
    expect(dismissed).toEqual(['n1']);
    await session.disconnect();
  });

  it('a handler registered under the later name also gets the spring stream, and subscribes once', async () => {
    cloud = await TestCloud.start();
    const session = sessionFor(cloud);
    const seen: unknown[] = [];
    session.events.on('phone_notification_dismissed', (data) => seen.push(data.notificationId));
    session.events.onNotificationDismissed((data) => seen.push(data.notificationId));
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    expect((await app.waitForMessage('subscription_update')).subscriptions).toEqual(['notification_dismissed']);
    app.sendData('notification_dismissed', { notificationId: 'n2' });
    await eventually(() => seen.length === 2);
    await session.disconnect();
  });
});
