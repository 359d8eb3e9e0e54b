import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scope } from '@tpa/sdk';
import type { AppSetting, NotificationDismissed, PhoneNotification, ViewType } from '@tpa/sdk/protocol';
import { HANDOVER_MARGIN_MS, NotifySettingKey, startNotify, type NotifySession } from '@tpa/notify';
import { phoneNotification } from './support/notifications.js';
import { warningLogger } from './support/warning-logger.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

type LayoutCall = { kind: 'text_wall'; text: string; view: ViewType; durationMs: number } | { kind: 'clear'; view: ViewType };

/**
 * The members of a session that Notify uses, kept in memory: handlers are called directly, as
 * the SDK calls them after it parsed a message from the cloud. Its timers belong to a real SDK
 * scope, as a TpaSession's do: `end()` clears them and the display refuses from then on.
 */
function fakeSession(ackSettings: AppSetting[]) {
  const scope = new Scope({ name: 'fake notify session' });
  const layoutCalls: LayoutCall[] = [];
  const { logger, warnings } = warningLogger();
  const handlers = {
    notification: [] as ((notification: PhoneNotification) => void)[],
    dismissed: [] as ((dismissal: NotificationDismissed) => void)[],
    settings: [] as ((settings: AppSetting[]) => void)[],
  };
  const session: NotifySession = {
    layouts: {
      showTextWall: (text, { view, durationMs }) => (scope.isOpen ? (layoutCalls.push({ kind: 'text_wall', text, view, durationMs }), 'sent') : 'ended'),
      clearView: ({ view }) => (scope.isOpen ? (layoutCalls.push({ kind: 'clear', view }), 'sent') : 'ended'),
    },
    events: {
      onPhoneNotifications: (handler) => handlers.notification.push(handler),
      onNotificationDismissed: (handler) => handlers.dismissed.push(handler),
      onSettingsUpdate: (handler) => handlers.settings.push(handler),
    },
    settings: { all: () => ackSettings },
    logger,
    setTimeout: (fn, ms) => scope.setTimeout(fn, ms),
    clearTimeout: (handle) => scope.clearTimer(handle as ReturnType<typeof setTimeout>),
  };
  const cloud = {
    sendNotification: (notification: PhoneNotification) => handlers.notification.forEach((handler) => handler(notification)),
    sendDismissal: (notificationId: string) => handlers.dismissed.forEach((handler) => handler({ notificationId })),
    sendSettings: (settings: AppSetting[]) => handlers.settings.forEach((handler) => handler(settings)),
  };
  return { session, cloud, layoutCalls, warnings, end: () => scope.close() };
}

const setTo = (key: string, value: unknown): AppSetting => ({ type: 'text', key, label: key, value }) as AppSetting;

describe('startNotify on a session', () => {
  it('shows notifications in the main view for the duration from the ack settings, and warns about bad ones', () => {
    const { session, cloud, layoutCalls, warnings } = fakeSession([
      setTo(NotifySettingKey.DISPLAY_DURATION_SECONDS, 5),
      setTo(NotifySettingKey.MAX_QUEUE_LENGTH, -1),
    ]);
    startNotify(session);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('maxQueueLength');

    cloud.sendNotification(phoneNotification('hello', { app: 'Signal', title: 'Ann' }));
    expect(layoutCalls).toEqual([{ kind: 'text_wall', text: 'Signal - Ann: hello', view: 'main', durationMs: 5_000 + HANDOVER_MARGIN_MS }]);
  });

  it('clears the main view when the phone dismisses the notification on screen', () => {
    const { session, cloud, layoutCalls } = fakeSession([]);
    startNotify(session);
    const notification = phoneNotification('read elsewhere');
    cloud.sendNotification(notification);
    cloud.sendDismissal(notification.notificationId);
    expect(layoutCalls.at(-1)).toEqual({ kind: 'clear', view: 'main' });
  });

  it('applies settings updates from the cloud to the running manager', () => {
    const { session, cloud, layoutCalls, warnings } = fakeSession([]);
    const manager = startNotify(session);
    cloud.sendSettings([setTo(NotifySettingKey.BLOCKLIST, 'signal'), setTo(NotifySettingKey.DISPLAY_DURATION_SECONDS, 'soon')]);
    expect(manager.settings.blocklist).toEqual(['signal']);
    expect(warnings).toHaveLength(1);
    cloud.sendNotification(phoneNotification('hidden', { app: 'Signal' }));
    cloud.sendNotification(phoneNotification('visible', { app: 'YouTube' }));
    expect(layoutCalls).toEqual([{ kind: 'text_wall', text: 'YouTube: visible', view: 'main', durationMs: 10_000 + HANDOVER_MARGIN_MS }]);
  });

  it('makes every display timer through the session: none is left once the session ends', async () => {
    const { session, cloud, layoutCalls, end } = fakeSession([]);
    startNotify(session);
    cloud.sendNotification(phoneNotification('on screen'));
    cloud.sendNotification(phoneNotification('waiting'));
    expect(layoutCalls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    await end();
    // A timer made elsewhere would still be pending here, holding the session until it fires.
    expect(vi.getTimerCount()).toBe(0);
  });
});
