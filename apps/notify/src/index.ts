/**
 * Notify: phone notifications on AugmentOS glasses. The formatting, settings, queue and display
 * loop; the server that runs them on SDK sessions is built on these.
 */
export { ELLIPSIS, LINE_WIDTH, MAX_NOTIFICATION_CHARS, foldSeparators, formatNotification, truncate, wrapLines } from './format.js';
export type { NotificationText } from './format.js';
export {
  DEFAULT_NOTIFY_SETTINGS,
  NOTIFY_TPA_CONFIG,
  NotifySettingKey,
  NotifySettingsSchema,
  parseBlocklist,
  readNotifySettings,
} from './settings.js';
export type { NotifySettings, ReadNotifySettingsResult } from './settings.js';
export { NotificationQueue, hasExpired, isBlockedApp, isSameNotification } from './notification-queue.js';
export type { EnqueueRules, QueuedNotification, TakeNextResult } from './notification-queue.js';
export { EXPIRY_DISPLAY_DURATIONS, NotificationManager } from './notification-manager.js';
export type { DismissOutcome, NotificationManagerOptions, NotifyDisplayPort, ReceiveOutcome } from './notification-manager.js';
export { HANDOVER_MARGIN_MS, displayPortFor, startNotify } from './session-wiring.js';
export type { NotifySession } from './session-wiring.js';
export { NotifyServer, WELCOME_DURATION_MS } from './notify-server.js';
export { DEFAULT_PACKAGE_NAME, DEFAULT_PORT, NotifyEnvSchema, notifyConfigFromEnv } from './config.js';
export type { NotifyEnv, NotifyEnvResult } from './config.js';
