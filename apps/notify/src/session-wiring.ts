/**
 * Connects a {@link NotificationManager} to a session. Written against the few members of the
 * SDK session that Notify uses, so that the server's `onSession` is a single call and this file
 * needs no SDK class.
 */
import type { DisplayResult } from '@tpa/sdk';
import type { Logger } from '@tpa/sdk/logging';
import { ViewType, type WireSetting, type NotificationDismissed, type PhoneNotification } from '@tpa/sdk/protocol';
import { NotificationManager, type NotifyDisplayPort } from './notification-manager.js';
import { readNotifySettings, type NotifySettings } from './settings.js';

/** The members of an SDK session that Notify uses. A `TpaSession` has them all. */
export interface NotifySession {
  readonly layouts: {
    showTextWall(text: string, options: { view: ViewType; durationMs: number }): DisplayResult;
    clearView(options: { view: ViewType }): DisplayResult;
  };
  readonly events: {
    onPhoneNotifications(handler: (notification: PhoneNotification) => void): unknown;
    onNotificationDismissed(handler: (dismissal: NotificationDismissed) => void): unknown;
    onSettingsUpdate(handler: (settings: readonly WireSetting[]) => void): unknown;
  };
  /** The settings the cloud sent (in the ack, then in each update). */
  readonly settings: { all(): readonly WireSetting[] };
  readonly logger: Logger;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * How much longer than its turn each notification is asked to stay. The next one replaces it when
 * its turn ends; without the margin the cloud's own expiry may win that race and flash an empty
 * screen between two notifications.
 */
export const HANDOVER_MARGIN_MS = 500;

/** The session's main view and timers as a {@link NotifyDisplayPort}. */
export function displayPortFor(session: NotifySession): NotifyDisplayPort {
  return {
    showText: (text, durationMs) => session.layouts.showTextWall(text, { view: ViewType.MAIN, durationMs: durationMs + HANDOVER_MARGIN_MS }),
    clear: () => session.layouts.clearView({ view: ViewType.MAIN }),
    setTimeout: (fn, ms) => session.setTimeout(fn, ms),
    clearTimeout: (handle) => session.clearTimeout(handle),
    now: () => Date.now(),
  };
}

function readAndReport(settings: readonly WireSetting[], logger: Logger): NotifySettings {
  const result = readNotifySettings(settings);
  for (const warning of result.warnings) logger.warn(warning);
  return result.settings;
}

/**
 * Runs Notify on a session: notifications in, text walls out, dismissals and settings honoured.
 * Everything it registers belongs to the session, so nothing needs undoing when the session ends.
 *
 * @example
 * ```ts
 * class NotifyServer extends TpaServer {
 *   protected override onSession(session: TpaSession): void {
 *     startNotify(session);
 *   }
 * }
 * ```
 */
export function startNotify(session: NotifySession): NotificationManager {
  const manager = new NotificationManager({
    port: displayPortFor(session),
    settings: readAndReport(session.settings.all(), session.logger),
    logger: session.logger,
  });
  session.events.onPhoneNotifications((notification) => manager.receive(notification));
  session.events.onNotificationDismissed((dismissal) => manager.dismiss(dismissal.notificationId));
  session.events.onSettingsUpdate((settings) => manager.updateSettings(readAndReport(settings, session.logger)));
  return manager;
}
