import { expect, it } from 'vitest';
import { TpaSession } from '@tpa/sdk';
import { TestCloud, installLeakCheck } from '@tpa/sdk/testing';

// The "Testing your app" example of packages/sdk/README.md, as it is written there.
it('the README testing example works as written', async () => {
  const leaks = installLeakCheck();
  await using cloud = await TestCloud.start({ apiKey: 'key' });
  const session = new TpaSession({ packageName: 'com.example.app', apiKey: 'key', augmentOSWebsocketUrl: cloud.url });
  session.events.onPhoneNotifications((n) => session.layouts.showTextWall(`${n.app}: ${n.title}`));
  await session.connect('alice@example.com-com.example.app');
  const app = await cloud.waitForConnection();
  await app.waitForMessage('subscription_update');
  app.sendData('phone_notification', { notificationId: '1', app: 'Mail', title: 'Hi', content: '…', priority: 'normal' });
  const display = await app.waitForMessage('display_event');
  expect(display.layout).toEqual({ layoutType: 'text_wall', text: 'Mail: Hi' });
  await session.disconnect();
  leaks.uninstallAndAssert();
});
