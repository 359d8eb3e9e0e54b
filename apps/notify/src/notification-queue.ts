/**
 * The notifications waiting to be shown, and the rules that decide which wait and in what order.
 * No timers and no I/O: the caller passes the time, so every rule is a plain function of its input.
 */
import type { PhoneNotification } from '@tpa/sdk/protocol';
import type { NotificationText } from './format.js';

/** A notification accepted by Notify, with its text already formatted for the glasses. */
export interface QueuedNotification {
  readonly notification: PhoneNotification;
  readonly text: string;
  /** When it arrived, in the clock of the display port (ms). */
  readonly arrivedAt: number;
  /** When it stops being worth showing, fixed at arrival so that a later settings change never expires it early. */
  readonly expiresAt: number;
}

/** Whether `app` contains one of the `blocklist` fragments, ignoring case. */
export function isBlockedApp(app: string, blocklist: readonly string[]): boolean {
  const name = app.toLowerCase();
  return blocklist.some((fragment) => fragment !== '' && name.includes(fragment.toLowerCase()));
}

/** Two notifications are the same when app, title and content match exactly (ids differ on resend). */
export function isSameNotification(a: NotificationText, b: NotificationText): boolean {
  return a.app === b.app && a.title === b.title && a.content === b.content;
}

/** Whether an entry is past its expiry time at `now`. */
export function hasExpired(entry: QueuedNotification, now: number): boolean {
  return now >= entry.expiresAt;
}

export interface EnqueueRules {
  /** Put a high-priority notification ahead of every other waiting one (behind earlier high ones). */
  readonly priorityJumpsQueue: boolean;
  /** The most entries kept; the oldest arrivals are dropped first to make room. */
  readonly maxQueueLength: number;
}

export interface TakeNextResult {
  /** The entry to show now, if any is left that has not expired. */
  readonly next: QueuedNotification | undefined;
  /** Entries skipped on the way because they expired. */
  readonly expired: QueuedNotification[];
}

interface Slot {
  readonly entry: QueuedNotification;
  /** Arrival order, which breaks ties between arrivals in the same millisecond. */
  readonly order: number;
}

/**
 * First in, first out, except where {@link EnqueueRules} say otherwise. Every method that drops
 * entries returns them, so that the caller can say why each one never showed.
 */
export class NotificationQueue {
  #slots: Slot[] = [];
  #nextOrder = 0;

  get size(): number {
    return this.#slots.length;
  }

  /** The waiting entries, next to show first. */
  get entries(): QueuedNotification[] {
    return this.#slots.map((slot) => slot.entry);
  }

  /** Whether an entry with the same app, title and content is waiting. */
  includesSameAs(notification: NotificationText): boolean {
    return this.#slots.some((slot) => isSameNotification(slot.entry.notification, notification));
  }

  /** Adds `entry` where the rules put it; returns the entries dropped to respect `maxQueueLength`. */
  add(entry: QueuedNotification, rules: EnqueueRules): QueuedNotification[] {
    const slot: Slot = { entry, order: this.#nextOrder++ };
    const jumps = rules.priorityJumpsQueue && entry.notification.priority === 'high';
    if (jumps) this.#slots.splice(this.#leadingHighPriorityCount(), 0, slot);
    else this.#slots.push(slot);
    return this.trimTo(rules.maxQueueLength);
  }

  /** Drops the oldest arrivals until at most `maxLength` remain; returns them, oldest first. */
  trimTo(maxLength: number): QueuedNotification[] {
    const excess = this.#slots.length - Math.max(0, maxLength);
    if (excess <= 0) return [];
    const oldest = [...this.#slots].sort((a, b) => a.order - b.order).slice(0, excess);
    const dropped = new Set(oldest);
    this.#slots = this.#slots.filter((slot) => !dropped.has(slot));
    return oldest.map((slot) => slot.entry);
  }

  /** Removes and returns the next entry that has not expired, and those that had. */
  takeNext(now: number): TakeNextResult {
    const expired = this.removeExpired(now);
    const next = this.#slots.shift()?.entry;
    return { next, expired };
  }

  /** Removes every entry that has expired at `now`. */
  removeExpired(now: number): QueuedNotification[] {
    return this.removeWhere((entry) => hasExpired(entry, now));
  }

  /** Removes the entry with this notification id, if one is waiting. */
  remove(notificationId: string): QueuedNotification | undefined {
    return this.removeWhere((entry) => entry.notification.notificationId === notificationId)[0];
  }

  /** Removes every entry for which `predicate` holds; returns them in queue order. */
  removeWhere(predicate: (entry: QueuedNotification) => boolean): QueuedNotification[] {
    const removed: QueuedNotification[] = [];
    this.#slots = this.#slots.filter((slot) => {
      if (!predicate(slot.entry)) return true;
      removed.push(slot.entry);
      return false;
    });
    return removed;
  }

  /** Empties the queue; returns what it held. */
  clear(): QueuedNotification[] {
    return this.removeWhere(() => true);
  }

  #leadingHighPriorityCount(): number {
    const firstOther = this.#slots.findIndex((slot) => slot.entry.notification.priority !== 'high');
    return firstOther === -1 ? this.#slots.length : firstOther;
  }
}
