import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '@tpa/sdk/logging';
import { DEFAULT_NOTIFY_SETTINGS, NotificationManager, type NotifySettings } from '@tpa/notify';
import { FakeGlasses } from './support/fake-glasses.js';
import { phoneNotification } from './support/notifications.js';
import { warningLogger } from './support/warning-logger.js';

// Displays last 10 s and queued ones wait up to 40 s: fake time keeps these tests instant.
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function startNotify(settings: Partial<NotifySettings> = {}, logger?: Logger): { glasses: FakeGlasses; manager: NotificationManager } {
  const glasses = new FakeGlasses();
  const manager = new NotificationManager({ port: glasses, settings: { ...DEFAULT_NOTIFY_SETTINGS, ...settings }, logger });
  return { glasses, manager };
}

describe('showing notifications one after another', () => {
  it('shows the first at once, formatted, for the display duration, and the next when it ends', () => {
    const { glasses, manager } = startNotify();
    expect(manager.receive(phoneNotification('one', { app: 'Messages', title: 'Bob' }))).toBe('shown');
    expect(manager.receive(phoneNotification('two'))).toBe('queued');
    expect(glasses.screen).toBe('Messages - Bob: one');
    expect(glasses.calls[0]?.durationMs).toBe(10_000);

    vi.advanceTimersByTime(9_999);
    expect(glasses.screen).toBe('Messages - Bob: one');
    vi.advanceTimersByTime(1);
    expect(glasses.screen).toBe('Chat: two');
  });

  it('keeps strict arrival order and stops with nothing pending once the queue is empty', () => {
    const { glasses, manager } = startNotify();
    for (const content of ['a', 'b', 'c']) manager.receive(phoneNotification(content));
    vi.advanceTimersByTime(60_000);
    expect(glasses.timeline).toEqual([
      { at: 0, text: 'Chat: a' },
      { at: 10_000, text: 'Chat: b' },
      { at: 20_000, text: 'Chat: c' },
    ]);
    expect(glasses.screen).toBe('');
    expect(manager.showing).toBeUndefined();
    expect(glasses.pendingTimers).toBe(0);
  });

  it('shows a notification that arrives after a quiet spell at once', () => {
    const { glasses, manager } = startNotify();
    manager.receive(phoneNotification('early'));
    vi.advanceTimersByTime(25_000);
    expect(manager.receive(phoneNotification('late'))).toBe('shown');
    expect(glasses.timeline.at(-1)).toEqual({ at: 25_000, text: 'Chat: late' });
  });
});

describe('expiry', () => {
  it('skips notifications that waited 4 display durations since they arrived', () => {
    const { glasses, manager } = startNotify();
    for (const content of ['1', '2', '3', '4', '5', '6']) manager.receive(phoneNotification(content));
    vi.advanceTimersByTime(120_000);
    // 5 and 6 arrived at 0 and would show at 40 s: they had waited 40 s, so they expired.
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: 1', 'Chat: 2', 'Chat: 3', 'Chat: 4']);
  });

  it('counts from each arrival, so a later one still shows', () => {
    const { glasses, manager } = startNotify();
    for (const content of ['1', '2', '3', '4', '5']) manager.receive(phoneNotification(content));
    vi.advanceTimersByTime(15_000);
    manager.receive(phoneNotification('later'));
    vi.advanceTimersByTime(120_000);
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: 1', 'Chat: 2', 'Chat: 3', 'Chat: 4', 'Chat: later']);
    expect(glasses.timeline.at(-1)?.at).toBe(40_000);
  });
});

describe('duplicates and blocked apps', () => {
  it('drops a notification identical to the one on screen or one waiting, and takes it again once both are gone', () => {
    const { glasses, manager } = startNotify();
    manager.receive(phoneNotification('ping', { title: 'Bob' }));
    manager.receive(phoneNotification('pong', { title: 'Bob' }));
    expect(manager.receive(phoneNotification('ping', { title: 'Bob' }))).toBe('duplicate');
    expect(manager.receive(phoneNotification('pong', { title: 'Bob' }))).toBe('duplicate');
    expect(manager.receive(phoneNotification('ping', { title: 'Ann' }))).toBe('queued');

    vi.advanceTimersByTime(30_000);
    expect(manager.receive(phoneNotification('ping', { title: 'Bob' }))).toBe('shown');
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat - Bob: ping', 'Chat - Bob: pong', 'Chat - Ann: ping', 'Chat - Bob: ping']);
  });

  it('never shows apps on the blocklist (any case, any part of the name)', () => {
    const { glasses, manager } = startNotify();
    expect(manager.receive(phoneNotification('new video', { app: 'YouTube' }))).toBe('blocked');
    expect(manager.receive(phoneNotification('turn left', { app: 'Google Maps' }))).toBe('blocked');
    expect(manager.receive(phoneNotification('connected', { app: 'AugmentOS' }))).toBe('blocked');
    expect(manager.receive(phoneNotification('hello', { app: 'Signal' }))).toBe('shown');
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Signal: hello']);
  });
});

describe('maximum queue length', () => {
  it('keeps only the newest waiting notifications, dropping the oldest first', () => {
    const { glasses, manager } = startNotify({ maxQueueLength: 3 });
    for (const content of ['showing', 'w1', 'w2', 'w3', 'w4', 'w5']) manager.receive(phoneNotification(content));
    expect(manager.queued.map((queued) => queued.notification.content)).toEqual(['w3', 'w4', 'w5']);
    vi.advanceTimersByTime(40_000);
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: showing', 'Chat: w3', 'Chat: w4', 'Chat: w5']);
  });
});

describe('dismissal from the phone', () => {
  it('takes a waiting notification out of the queue', () => {
    const { glasses, manager } = startNotify();
    manager.receive(phoneNotification('first'));
    const dismissed = phoneNotification('read on the phone');
    manager.receive(dismissed);
    manager.receive(phoneNotification('third'));
    expect(manager.dismiss(dismissed.notificationId)).toBe('unqueued');
    vi.advanceTimersByTime(30_000);
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: first', 'Chat: third']);
  });

  it('clears the one showing and shows the next at once, for its full duration', () => {
    const { glasses, manager } = startNotify();
    const showing = phoneNotification('on screen');
    manager.receive(showing);
    manager.receive(phoneNotification('next'));
    vi.advanceTimersByTime(3_000);

    expect(manager.dismiss(showing.notificationId)).toBe('cleared');
    expect(glasses.timeline).toEqual([
      { at: 0, text: 'Chat: on screen' },
      { at: 3_000, text: '' },
      { at: 3_000, text: 'Chat: next' },
    ]);
    // The timer of the dismissed one must not cut the next one short at 10 s.
    vi.advanceTimersByTime(9_999);
    expect(glasses.screen).toBe('Chat: next');
    expect(glasses.pendingTimers).toBe(1);
    vi.advanceTimersByTime(1);
    expect(glasses.screen).toBe('');
    expect(glasses.pendingTimers).toBe(0);
  });

  it('leaves the screen empty when the dismissed one was the last', () => {
    const { glasses, manager } = startNotify();
    const only = phoneNotification('only');
    manager.receive(only);
    manager.dismiss(only.notificationId);
    expect(glasses.screen).toBe('');
    expect(glasses.pendingTimers).toBe(0);
    expect(manager.receive(phoneNotification('after'))).toBe('shown');
  });

  it('ignores an id it does not hold', () => {
    const { glasses, manager } = startNotify();
    manager.receive(phoneNotification('stay'));
    expect(manager.dismiss('no-such-id')).toBe('unknown');
    expect(glasses.screen).toBe('Chat: stay');
  });
});

describe('priority jump', () => {
  it('puts a high-priority notification right behind the one showing when the setting is on', () => {
    const { glasses, manager } = startNotify({ priorityJumpsQueue: true });
    manager.receive(phoneNotification('showing'));
    manager.receive(phoneNotification('b'));
    manager.receive(phoneNotification('c'));
    manager.receive(phoneNotification('urgent', { priority: 'high' }));
    expect(glasses.screen).toBe('Chat: showing');
    vi.advanceTimersByTime(40_000);
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: showing', 'Chat: urgent', 'Chat: b', 'Chat: c']);
  });

  it('keeps arrival order for high priority when the setting is off', () => {
    const { glasses, manager } = startNotify();
    manager.receive(phoneNotification('showing'));
    manager.receive(phoneNotification('b'));
    manager.receive(phoneNotification('urgent', { priority: 'high' }));
    vi.advanceTimersByTime(30_000);
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: showing', 'Chat: b', 'Chat: urgent']);
  });
});

describe('settings changed while running', () => {
  it('applies a shorter display duration from the next notification on', () => {
    const { glasses, manager } = startNotify();
    manager.receive(phoneNotification('a'));
    manager.receive(phoneNotification('b'));
    manager.receive(phoneNotification('c'));
    vi.advanceTimersByTime(2_000);
    manager.updateSettings({ ...manager.settings, displayDurationMs: 3_000 });
    vi.advanceTimersByTime(20_000);
    expect(glasses.calls.map(({ at, durationMs }) => ({ at, durationMs }))).toEqual([
      { at: 0, durationMs: 10_000 },
      { at: 10_000, durationMs: 3_000 },
      { at: 13_000, durationMs: 3_000 },
    ]);
  });

  it('cuts the queue to a lower maximum and clears it of newly blocked apps', () => {
    const { glasses, manager } = startNotify();
    manager.receive(phoneNotification('showing'));
    manager.receive(phoneNotification('old', { app: 'Mail' }));
    manager.receive(phoneNotification('spam', { app: 'Shopping' }));
    manager.receive(phoneNotification('w3', { app: 'Mail' }));
    manager.receive(phoneNotification('w4', { app: 'Mail' }));
    manager.updateSettings({ ...manager.settings, maxQueueLength: 3, blocklist: ['shop'] });
    expect(manager.receive(phoneNotification('more spam', { app: 'Shopping' }))).toBe('blocked');
    vi.advanceTimersByTime(60_000);
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: showing', 'Mail: w3', 'Mail: w4']);
  });

  it('unblocks an app removed from the blocklist', () => {
    const { manager } = startNotify();
    manager.updateSettings({ ...manager.settings, blocklist: [] });
    expect(manager.receive(phoneNotification('new video', { app: 'YouTube' }))).toBe('shown');
  });
});

describe('while the session reconnects', () => {
  it('goes on: a display queued during the reconnect counts as shown, and later ones follow', () => {
    const { glasses, manager } = startNotify();
    for (const content of ['a', 'b']) manager.receive(phoneNotification(content));
    glasses.reconnecting = true;
    vi.advanceTimersByTime(10_000); // 'b' is drawn while the connection is down
    expect(manager.stopped).toBe(false);
    glasses.reconnecting = false;
    vi.advanceTimersByTime(10_000);
    for (let reconnect = 0; reconnect < 3; reconnect++) {
      glasses.reconnecting = true;
      expect(manager.receive(phoneNotification(`during ${reconnect}`))).toBe('shown');
      glasses.reconnecting = false;
      vi.advanceTimersByTime(10_000);
    }
    expect(manager.receive(phoneNotification('after'))).toBe('shown');
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: a', 'Chat: b', 'Chat: during 0', 'Chat: during 1', 'Chat: during 2', 'Chat: after']);
  });
});

describe('when the session is gone', () => {
  it('stops the loop, without throwing, when the display refuses the first notification', () => {
    const { logger, warnings } = warningLogger();
    const { glasses, manager } = startNotify({}, logger);
    glasses.alive = false;
    expect(manager.receive(phoneNotification('into the void'))).toBe('stopped');
    expect(manager.stopped).toBe(true);
    expect(glasses.pendingTimers).toBe(0);
    expect(manager.receive(phoneNotification('another'))).toBe('stopped');
    expect(manager.dismiss('n1')).toBe('stopped');
    expect(warnings).toEqual(['notifications stopped: the session has ended']);
  });

  it('stops at the next display when the session ends mid-queue, leaving no timer behind', () => {
    const { glasses, manager } = startNotify();
    for (const content of ['a', 'b', 'c']) manager.receive(phoneNotification(content));
    glasses.alive = false;
    expect(() => vi.advanceTimersByTime(10_000)).not.toThrow();
    expect(manager.stopped).toBe(true);
    expect(manager.queued).toEqual([]);
    expect(glasses.pendingTimers).toBe(0);
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: a']);
  });

  it('stops, without throwing, when the session throws instead of answering ended', () => {
    const { logger, warnings } = warningLogger();
    const { glasses, manager } = startNotify({}, logger);
    const showing = phoneNotification('a');
    manager.receive(showing);
    manager.receive(phoneNotification('b'));
    glasses.throwOnDisplay = new Error('socket closed');
    expect(manager.dismiss(showing.notificationId)).toBe('stopped');
    expect(glasses.pendingTimers).toBe(0);
    expect(warnings).toEqual(['notifications stopped: the session failed to clear a dismissed notification']);
  });

  it('can be stopped early, which cancels its timer and forgets the queue', () => {
    const { glasses, manager } = startNotify();
    manager.receive(phoneNotification('a'));
    manager.receive(phoneNotification('b'));
    manager.stop();
    expect(glasses.pendingTimers).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(glasses.timeline.map((call) => call.text)).toEqual(['Chat: a']);
  });
});
