import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDevCloud, type DevCloud } from '@tpa/devcloud';
import { NotifyServer } from '@tpa/notify';
import { makeSessionId, type CloudDialect, type Layout } from '@tpa/sdk/protocol';
import { installLeakCheck, isCollected, type LeakCheck } from '@tpa/sdk/testing';

const PACKAGE = 'com.augmentos.notify';
const API_KEY = 'notify-e2e-key';
const USER = 'pat-o-neil@example.com';

let cloud: DevCloud;
let server: NotifyServer;
let leaks: LeakCheck;

const mainText = (cloud: DevCloud): string | undefined => {
  const layout: Layout | undefined = cloud.getDisplay(USER).views.main?.layout;
  return layout?.layoutType === 'text_wall' ? layout.text : undefined;
};

function notification(id: string, app: string, title: string, content: string, priority: 'low' | 'normal' | 'high' = 'normal'): Record<string, unknown> {
  return { notificationId: id, app, title, content, priority, timestamp: Date.now() };
}

async function waitForMain(text: string, timeoutMs = 6_000): Promise<void> {
  await cloud.waitForDisplay(USER, () => mainText(cloud) === text, { timeoutMs });
}

/** Waits until the app's session has the setting from the cloud's settings_update. */
async function settingArrived(key: string, value: unknown): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (server.getSession(makeSessionId(USER, PACKAGE))?.settings.get(key) !== value) {
    if (Date.now() > deadline) throw new Error(`setting ${key} never reached the app: ${JSON.stringify(server.getSession(makeSessionId(USER, PACKAGE))?.settings.all())} sessions=${server.sessionCount}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(['spring', 'later'] as const satisfies readonly CloudDialect[])('Notify on the dev cloud (%s dialect)', (dialect) => {
  beforeEach(async () => {
    leaks = installLeakCheck();
    cloud = await createDevCloud({ port: 0, dialect });
    server = new NotifyServer({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.websocketUrl });
    const address = await server.start();
    cloud.registerApp({ packageName: PACKAGE, name: 'Notify', webhookUrl: `${address.url}/webhook`, apiKey: API_KEY });
    await cloud.startApp(USER, PACKAGE);
    // Three-second displays (the shortest the setting offers) keep the story short; the setting travels as a real settings_update.
    cloud.updateSettings(USER, PACKAGE, { displayDurationSeconds: 3 });
    await cloud.waitForDisplay(USER, (display) => display.views.main?.layout.layoutType === 'reference_card', { timeoutMs: 3_000 });
    await settingArrived('displayDurationSeconds', 3);
  });

  afterEach(async () => {
    await server.stop();
    await cloud.close();
    leaks.uninstallAndAssert();
  });

  it('shows notifications in order, one display duration each, formatted for the glasses', async () => {
    cloud.sendEvent(USER, 'phone_notification', notification('1', 'Messages', 'Ann', 'Lunch at noon?'));
    cloud.sendEvent(USER, 'phone_notification', notification('2', 'Mail', '', 'Your invoice...is ready\n\nThanks'));
    await waitForMain('Messages - Ann: Lunch at noon?');
    const firstShown = Date.now();
    // Folded separators, then wrapped at 35 characters.
    await waitForMain('Mail: Your invoice. is ready.\nThanks');
    expect(Date.now() - firstShown).toBeGreaterThanOrEqual(2_500);
    const history = cloud.getDisplayHistory(USER).map((entry) => (entry.layout.layoutType === 'text_wall' ? entry.layout.text : entry.layout.layoutType));
    expect(history).toEqual(expect.arrayContaining(['reference_card', 'Messages - Ann: Lunch at noon?', 'Mail: Your invoice. is ready.\nThanks']));
  });

  it('drops duplicates and blocked apps', async () => {
    cloud.sendEvent(USER, 'phone_notification', notification('1', 'Chat', 'Bo', 'hi'));
    cloud.sendEvent(USER, 'phone_notification', notification('2', 'Chat', 'Bo', 'hi'));
    cloud.sendEvent(USER, 'phone_notification', notification('3', 'YouTube', 'New video', 'watch now'));
    cloud.sendEvent(USER, 'phone_notification', notification('4', 'Chat', 'Bo', 'bye'));
    await waitForMain('Chat - Bo: hi');
    await waitForMain('Chat - Bo: bye');
    const texts = cloud.getDisplayHistory(USER).flatMap((entry) => (entry.layout.layoutType === 'text_wall' ? [entry.layout.text] : []));
    expect(texts.filter((text) => text === 'Chat - Bo: hi')).toHaveLength(1);
    expect(texts.some((text) => text.includes('YouTube'))).toBe(false);
  });

  it('a dismissal of the one showing moves on at once', async () => {
    cloud.updateSettings(USER, PACKAGE, { displayDurationSeconds: 30 });
    await settingArrived('displayDurationSeconds', 30);
    cloud.sendEvent(USER, 'phone_notification', notification('a', 'Slack', 'Dev', 'deploy done'));
    cloud.sendEvent(USER, 'phone_notification', notification('b', 'Slack', 'Dev', 'tests green'));
    await waitForMain('Slack - Dev: deploy done');
    cloud.sendEvent(USER, 'notification_dismissed', { notificationId: 'a' });
    await waitForMain('Slack - Dev: tests green', 2_000);
  });

  it('when the app stops, nothing of the session remains', async () => {
    // Long displays: every display timer is still pending when the app stops, so a timer that
    // outlived the session would still hold it when it is collected below.
    cloud.updateSettings(USER, PACKAGE, { displayDurationSeconds: 30 });
    await settingArrived('displayDurationSeconds', 30);
    const sessionId = makeSessionId(USER, PACKAGE);
    const ref = new WeakRef(server.getSession(sessionId) as object);
    cloud.sendEvent(USER, 'phone_notification', notification('1', 'Messages', 'Ann', 'one'));
    cloud.sendEvent(USER, 'phone_notification', notification('2', 'Messages', 'Ann', 'two'));
    await waitForMain('Messages - Ann: one');
    await cloud.stopApp(USER, PACKAGE);
    const deadline = Date.now() + 3_000;
    while (server.sessionCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.sessionCount).toBe(0);
    // The display timer of "one" (30 s) has not fired: only a timer that died with the session lets it be collected now.
    expect(await isCollected(ref)).toBe(true);
  });
});
