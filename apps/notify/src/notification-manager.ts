/**
 * The display loop of one Notify session: takes notifications in, shows them one at a time, and
 * moves on when each one's time is up. It reaches the glasses only through a
 * {@link NotifyDisplayPort}, so it holds nothing that outlives the session behind that port.
 */
import { silentLogger, type Logger } from '@tpa/sdk/logging';
import type { PhoneNotification } from '@tpa/sdk/protocol';
import type { DisplayResult } from '@tpa/sdk';
import { formatNotification } from './format.js';
import { NotificationQueue, isBlockedApp, isSameNotification, type QueuedNotification } from './notification-queue.js';
import { DEFAULT_NOTIFY_SETTINGS, type NotifySettings } from './settings.js';

/**
 * What the manager needs from a session. Every timer goes through it, so that a session that
 * ends takes the manager's timers with it.
 *
 * @example
 * ```ts
 * const port: NotifyDisplayPort = {
 *   showText: (text, durationMs) => session.layouts.showTextWall(text, { view: ViewType.MAIN, durationMs }),
 *   clear: () => session.layouts.clearView({ view: ViewType.MAIN }),
 *   setTimeout: (fn, ms) => session.setTimeout(fn, ms),
 *   clearTimeout: (handle) => session.clearTimeout(handle),
 *   now: () => Date.now(),
 * };
 * ```
 */
export interface NotifyDisplayPort {
  /**
   * Shows `text` in the main view for `durationMs`. `queued` while the session reconnects (the
   * SDK sends the newest display once it is back, so the loop goes on); `ended` when the session
   * can no longer display.
   */
  showText(text: string, durationMs: number): DisplayResult;
  /** Empties the main view; answers as {@link showText} does. */
  clear(): DisplayResult;
  /** A timer owned by the session: it never fires after the session ends. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** The current time in ms; arrival and expiry are measured with it. */
  now(): number;
}

/** A queued notification expires this many display durations (as set when it arrived) after its arrival. */
export const EXPIRY_DISPLAY_DURATIONS = 4;

/** What became of a notification handed to {@link NotificationManager.receive}. */
export type ReceiveOutcome = 'shown' | 'queued' | 'blocked' | 'duplicate' | 'stopped';
/** What {@link NotificationManager.dismiss} did: cleared the screen, took it out of the queue, or nothing. */
export type DismissOutcome = 'cleared' | 'unqueued' | 'unknown' | 'stopped';

export interface NotificationManagerOptions {
  readonly port: NotifyDisplayPort;
  /** Default {@link DEFAULT_NOTIFY_SETTINGS}. */
  readonly settings?: NotifySettings;
  /** Default silent. Lines name notification ids and apps, never titles or content. */
  readonly logger?: Logger;
}

/**
 * Shows phone notifications one at a time, first in first out, for the display duration each.
 * Blocked apps and duplicates are dropped, waiting ones expire, the queue has a maximum length,
 * and settings apply as soon as they change. While the session reconnects the loop goes on (the
 * SDK shows the newest display once it is back); when the port says the session has ended, the
 * loop stops for good without throwing.
 *
 * @example
 * ```ts
 * const manager = new NotificationManager({ port, settings, logger: session.logger });
 * session.events.onPhoneNotifications((notification) => manager.receive(notification));
 * session.events.onNotificationDismissed(({ notificationId }) => manager.dismiss(notificationId));
 * ```
 */
export class NotificationManager {
  readonly #port: NotifyDisplayPort;
  readonly #logger: Logger;
  readonly #queue = new NotificationQueue();
  #settings: NotifySettings;
  #showing: QueuedNotification | undefined;
  /** Wrapped so that a port whose handles are `0` or `undefined` still counts as having a timer. */
  #timer: { readonly handle: unknown } | undefined;
  #stopped = false;

  constructor(options: NotificationManagerOptions) {
    this.#port = options.port;
    this.#settings = options.settings ?? DEFAULT_NOTIFY_SETTINGS;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The notification on screen now, if any. */
  get showing(): QueuedNotification | undefined {
    return this.#showing;
  }

  /** The notifications waiting, next to show first. */
  get queued(): QueuedNotification[] {
    return this.#queue.entries;
  }

  get settings(): NotifySettings {
    return this.#settings;
  }

  /** True once {@link stop} ran or the port said the session ended: nothing more will be shown. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Takes a notification in: shows it now if the screen is free, else queues it. */
  receive(notification: PhoneNotification): ReceiveOutcome {
    if (this.#stopped) return 'stopped';
    const about = { notificationId: notification.notificationId, app: notification.app };
    if (isBlockedApp(notification.app, this.#settings.blocklist)) {
      this.#logger.debug(about, 'notification dropped: app is on the blocklist');
      return 'blocked';
    }
    const onScreen = this.#showing !== undefined && isSameNotification(this.#showing.notification, notification);
    if (onScreen || this.#queue.includesSameAs(notification)) {
      this.#logger.debug(about, 'notification dropped: the same one is already waiting or showing');
      return 'duplicate';
    }
    let entry: QueuedNotification | undefined;
    this.#guard('queue a notification', () => {
      const arrivedAt = this.#port.now();
      const expiresAt = arrivedAt + EXPIRY_DISPLAY_DURATIONS * this.#settings.displayDurationMs;
      entry = { notification, text: formatNotification(notification), arrivedAt, expiresAt };
      this.#logDropped(this.#queue.removeExpired(arrivedAt), 'it expired before its turn');
      this.#logDropped(this.#queue.add(entry, this.#settings), 'the queue was full');
      if (this.#showing === undefined) this.#showNext();
    });
    if (this.#stopped) return 'stopped';
    return this.#showing !== undefined && this.#showing === entry ? 'shown' : 'queued';
  }

  /**
   * The phone dismissed a notification: a waiting one leaves the queue; the one showing leaves
   * the screen (an empty text wall) and the next one follows at once.
   */
  dismiss(notificationId: string): DismissOutcome {
    if (this.#stopped) return 'stopped';
    if (this.#showing?.notification.notificationId === notificationId) {
      this.#guard('clear a dismissed notification', () => {
        this.#cancelTimer();
        this.#showing = undefined;
        if (this.#port.clear() === 'ended') return this.#halt('the session has ended');
        this.#showNext();
      });
      return this.#stopped ? 'stopped' : 'cleared';
    }
    return this.#queue.remove(notificationId) !== undefined ? 'unqueued' : 'unknown';
  }

  /**
   * Applies new settings at once: the queue is cut to the new maximum and cleared of newly
   * blocked apps; a new display duration applies from the next notification shown.
   */
  updateSettings(settings: NotifySettings): void {
    this.#settings = settings;
    if (this.#stopped) return;
    this.#logDropped(this.#queue.trimTo(settings.maxQueueLength), 'the maximum queue length went down');
    const nowBlocked = this.#queue.removeWhere((entry) => isBlockedApp(entry.notification.app, settings.blocklist));
    this.#logDropped(nowBlocked, 'its app is now on the blocklist');
  }

  /**
   * Stops for good: cancels the pending timer and forgets the queue; the screen is left as it is.
   * A session that ends needs no call to this (its timers die with it); it is for stopping early.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#showing = undefined;
    this.#queue.clear();
    try {
      this.#cancelTimer();
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not cancel the display timer while stopping');
    }
  }

  #showNext(): void {
    this.#cancelTimer();
    this.#showing = undefined;
    const { next, expired } = this.#queue.takeNext(this.#port.now());
    this.#logDropped(expired, 'it expired before its turn');
    if (next === undefined) return;
    const durationMs = this.#settings.displayDurationMs;
    if (this.#port.showText(next.text, durationMs) === 'ended') return this.#halt('the session has ended');
    this.#showing = next;
    const handle = this.#port.setTimeout(() => this.#onDisplayEnded(next), durationMs);
    this.#timer = { handle };
  }

  #onDisplayEnded(entry: QueuedNotification): void {
    // A timer that was cancelled too late (its callback already queued) must not skip the next one.
    if (this.#stopped || this.#showing !== entry) return;
    this.#timer = undefined;
    this.#guard('show the next notification', () => this.#showNext());
  }

  #cancelTimer(): void {
    const timer = this.#timer;
    this.#timer = undefined;
    if (timer !== undefined) this.#port.clearTimeout(timer.handle);
  }

  /** Runs a step that uses the port; a port that throws (a closed session, say) stops the loop. */
  #guard(step: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#halt(`the session failed to ${step}`, error);
    }
  }

  #halt(reason: string, error?: unknown): void {
    this.#logger.warn(error === undefined ? {} : { err: error }, `notifications stopped: ${reason}`);
    this.stop();
  }

  #logDropped(entries: readonly QueuedNotification[], reason: string): void {
    for (const { notification } of entries) {
      this.#logger.debug({ notificationId: notification.notificationId, app: notification.app }, `notification dropped: ${reason}`);
    }
  }
}
