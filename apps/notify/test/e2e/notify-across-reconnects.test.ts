import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaSession, type AppSetting, type Layout } from '@tpa/sdk';
import { installLeakCheck, TestCloud, type LeakCheck, type TestCloudConnection } from '@tpa/sdk/testing';
import { startNotify } from '@tpa/notify';

const PACKAGE = 'com.augmentos.notify';
const SESSION_ID = `lee@example.com-${PACKAGE}`;
/** One-second displays, the shortest the setting allows. */
const SETTINGS = [{ key: 'displayDurationSeconds', type: 'select', label: 'Display duration', value: 1, defaultValue: 10, options: [{ label: '1 s', value: 1 }] }] as AppSetting[];

let cloud: TestCloud;
let leaks: LeakCheck;

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start({ settings: SETTINGS });
});

afterEach(async () => {
  await cloud.close();
  leaks.uninstallAndAssert();
});

function texts(connection: TestCloudConnection): string[] {
  return connection.messages.flatMap((message) => (message.type === 'display_event' && (message.layout as Layout).layoutType === 'text_wall' ? [(message.layout as { text: string }).text] : []));
}

async function waitForText(connection: TestCloudConnection, text: string): Promise<void> {
  await connection.waitForMessage('display_event', (message) => (message.layout as { text?: string }).text === text, 4_000);
}

function notification(id: string): Record<string, unknown> {
  return { notificationId: id, app: 'Chat', title: '', content: id, priority: 'normal', timestamp: Date.now() };
}

describe('Notify across reconnects', () => {
  it('keeps showing notifications after any number of reconnects, including one whose turn came while the connection was down', async () => {
    // The backoff (about 1.8 s) outlasts a display (1 s): the display timer fires while reconnecting.
    const session = new TpaSession({
      packageName: PACKAGE,
      apiKey: 'key',
      augmentOSWebsocketUrl: cloud.url,
      reconnect: { maxAttempts: 3, baseDelayMs: 1_800, maxDelayMs: 1_800, deadlineMs: 10_000, random: () => 0.99 },
    });
    await session.connect(SESSION_ID);
    const manager = startNotify(session);
    expect(manager.settings.displayDurationMs).toBe(1_000);

    for (let round = 1; round <= 3; round++) {
      const connection = cloud.connections.at(-1)!;
      await connection.waitForMessage('subscription_update', (update) => update.subscriptions.length > 0);
      connection.sendData('phone_notification', notification(`first ${round}`));
      await waitForText(connection, `Chat: first ${round}`);
      connection.sendData('phone_notification', notification(`second ${round}`));
      // Queued behind the first, until the first's display ends.
      await until(() => manager.queued.length === 1, 'the second notification to be queued');
      connection.terminate();
      await waitForCount(round + 1);
      const next = cloud.connections.at(-1)!;
      // Its turn came during the reconnect: it is shown once the new connection is up.
      await waitForText(next, `Chat: second ${round}`);
      expect(texts(next)).not.toContain(`Chat: first ${round}`);
    }
    // And the loop is still alive afterwards.
    const last = cloud.connections.at(-1)!;
    await until(() => manager.showing === undefined, 'the screen to be free');
    last.sendData('phone_notification', notification('after'));
    await waitForText(last, 'Chat: after');
    expect(manager.stopped).toBe(false);
    await session.disconnect();
    expect(session.layouts.showTextWall('late')).toBe('ended');
  });
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function waitForCount(count: number): Promise<void> {
  return until(() => cloud.connections.length >= count && cloud.connections.at(-1)?.init !== undefined, `connection ${count}`);
}
