import { describe, expect, it } from 'vitest';
import { NotificationQueue, hasExpired, isBlockedApp, isSameNotification, type EnqueueRules, type QueuedNotification } from '@tpa/notify';
import type { PhoneNotification } from '@tpa/sdk/protocol';
import { phoneNotification } from './support/notifications.js';

const fifo: EnqueueRules = { priorityJumpsQueue: false, maxQueueLength: 20 };
const jumping: EnqueueRules = { priorityJumpsQueue: true, maxQueueLength: 20 };

function entry(notification: PhoneNotification, arrivedAt = 0, expiresAt = arrivedAt + 40_000): QueuedNotification {
  return { notification, text: notification.content, arrivedAt, expiresAt };
}
const contents = (queue: NotificationQueue): string[] => queue.entries.map((queued) => queued.notification.content);

describe('isBlockedApp', () => {
  it('matches a fragment anywhere in the app name, ignoring case', () => {
    const blocklist = ['youtube', 'maps'];
    expect(isBlockedApp('YouTube Music', blocklist)).toBe(true);
    expect(isBlockedApp('Google Maps', blocklist)).toBe(true);
    expect(isBlockedApp('Messages', blocklist)).toBe(false);
  });

  it('matches an upper-case fragment too, and never matches an empty one', () => {
    expect(isBlockedApp('AugmentOS', ['AUGMENT'])).toBe(true);
    expect(isBlockedApp('Messages', [''])).toBe(false);
    expect(isBlockedApp('Messages', [])).toBe(false);
  });
});

describe('isSameNotification', () => {
  it('compares app, title and content, not the id or priority', () => {
    const first = phoneNotification('hi', { title: 'Bob' });
    expect(isSameNotification(first, phoneNotification('hi', { title: 'Bob', priority: 'high' }))).toBe(true);
    expect(isSameNotification(first, phoneNotification('hi', { title: 'Ann' }))).toBe(false);
    expect(isSameNotification(first, phoneNotification('hi', { title: 'Bob', app: 'Mail' }))).toBe(false);
  });
});

describe('hasExpired', () => {
  it('expires at its expiry time, not before', () => {
    const queued = entry(phoneNotification('x'), 1_000, 41_000);
    expect(hasExpired(queued, 40_999)).toBe(false);
    expect(hasExpired(queued, 41_000)).toBe(true);
  });
});

describe('NotificationQueue', () => {
  it('gives entries back first in, first out', () => {
    const queue = new NotificationQueue();
    for (const content of ['a', 'b', 'c']) queue.add(entry(phoneNotification(content)), fifo);
    const taken = [queue.takeNext(0).next, queue.takeNext(0).next, queue.takeNext(0).next];
    expect(taken.map((queued) => queued?.notification.content)).toEqual(['a', 'b', 'c']);
    expect(queue.takeNext(0)).toEqual({ next: undefined, expired: [] });
  });

  it('skips and reports expired entries when taking the next one', () => {
    const queue = new NotificationQueue();
    queue.add(entry(phoneNotification('old'), 0, 10_000), fifo);
    queue.add(entry(phoneNotification('fresh'), 5_000, 15_000), fifo);
    const { next, expired } = queue.takeNext(10_000);
    expect(next?.notification.content).toBe('fresh');
    expect(expired.map((queued) => queued.notification.content)).toEqual(['old']);
  });

  it('drops the oldest arrivals when it grows past its maximum length', () => {
    const queue = new NotificationQueue();
    const rules = { ...fifo, maxQueueLength: 2 };
    expect(queue.add(entry(phoneNotification('a')), rules)).toEqual([]);
    queue.add(entry(phoneNotification('b')), rules);
    const dropped = queue.add(entry(phoneNotification('c')), rules);
    expect(dropped.map((queued) => queued.notification.content)).toEqual(['a']);
    expect(contents(queue)).toEqual(['b', 'c']);
  });

  it('drops the oldest arrival even when a later high-priority one stands before it', () => {
    const queue = new NotificationQueue();
    queue.add(entry(phoneNotification('a')), jumping);
    queue.add(entry(phoneNotification('urgent', { priority: 'high' })), jumping);
    expect(contents(queue)).toEqual(['urgent', 'a']);
    const dropped = queue.trimTo(1);
    expect(dropped.map((queued) => queued.notification.content)).toEqual(['a']);
    expect(contents(queue)).toEqual(['urgent']);
  });

  it('puts high-priority entries ahead of normal ones, in their own arrival order, when the rule is on', () => {
    const queue = new NotificationQueue();
    queue.add(entry(phoneNotification('a')), jumping);
    queue.add(entry(phoneNotification('b', { priority: 'low' })), jumping);
    queue.add(entry(phoneNotification('first urgent', { priority: 'high' })), jumping);
    queue.add(entry(phoneNotification('second urgent', { priority: 'high' })), jumping);
    expect(contents(queue)).toEqual(['first urgent', 'second urgent', 'a', 'b']);
  });

  it('keeps high-priority entries in arrival order when the rule is off', () => {
    const queue = new NotificationQueue();
    queue.add(entry(phoneNotification('a')), fifo);
    queue.add(entry(phoneNotification('urgent', { priority: 'high' })), fifo);
    expect(contents(queue)).toEqual(['a', 'urgent']);
  });

  it('removes an entry by notification id, and finds the same notification by its text', () => {
    const queue = new NotificationQueue();
    const keep = phoneNotification('keep');
    const gone = phoneNotification('gone');
    queue.add(entry(keep), fifo);
    queue.add(entry(gone), fifo);
    expect(queue.includesSameAs(phoneNotification('gone'))).toBe(true);
    expect(queue.remove(gone.notificationId)?.notification).toBe(gone);
    expect(queue.remove(gone.notificationId)).toBeUndefined();
    expect(queue.includesSameAs(phoneNotification('gone'))).toBe(false);
    expect(contents(queue)).toEqual(['keep']);
  });

  it('empties on clear and returns what it held', () => {
    const queue = new NotificationQueue();
    queue.add(entry(phoneNotification('a')), fifo);
    expect(queue.clear()).toHaveLength(1);
    expect(queue.size).toBe(0);
  });
});
