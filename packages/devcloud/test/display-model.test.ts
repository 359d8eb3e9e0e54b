import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { layouts } from '@tpa/sdk/protocol';
import { UserDisplay } from '../src/display/user-display.js';
import { layoutText, type DisplayChange } from '../src/display/view-state.js';

const NOTIFY = 'com.augmentos.notify';
const CLOCK = 'com.example.clock';

describe('the display model of one user', () => {
  const displays: UserDisplay[] = [];
  afterEach(() => {
    for (const display of displays.splice(0)) display.dispose();
  });

  function makeDisplay(options: { throttleMs?: number; historyLimit?: number } = {}): { display: UserDisplay; changes: DisplayChange[] } {
    const changes: DisplayChange[] = [];
    const display = new UserDisplay('alice@example.com', { onChange: (change) => changes.push(change), ...options });
    displays.push(display);
    return { display, changes };
  }

  const mainText = (display: UserDisplay): string | undefined => {
    const main = display.snapshot().views.main;
    return main ? layoutText(main.layout) : undefined;
  };

  it('shows a layout with its owner and duration, and remembers it in the history', () => {
    const { display, changes } = makeDisplay();
    expect(display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('Lunch at 1'), durationMs: 10_000 })).toBe('shown');
    const main = display.snapshot().views.main;
    expect(main).toMatchObject({ packageName: NOTIFY, durationMs: 10_000, layout: { layoutType: 'text_wall', text: 'Lunch at 1' } });
    expect(Date.parse(main?.expiresAt ?? '') - Date.parse(main?.shownAt ?? '')).toBe(10_000);
    expect(changes).toHaveLength(1);
    expect(display.history()).toEqual([{ view: 'main', layout: layouts.textWall('Lunch at 1'), packageName: NOTIFY, at: main?.shownAt }]);
  });

  it('treats 0 or no duration as "until replaced", as the cloud did (durationMs ? ... : undefined)', () => {
    const { display } = makeDisplay();
    display.submit({ packageName: NOTIFY, view: 'dashboard', layout: layouts.dashboardCard('9:41', 'Sunny'), durationMs: 0 });
    expect(display.snapshot().views.dashboard).toMatchObject({ durationMs: null, expiresAt: null });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('stays') });
    expect(display.snapshot().views.main).toMatchObject({ durationMs: null, expiresAt: null });
  });

  it('expires a -1 duration at once (it is truthy) and never brings it back', async () => {
    const { display, changes } = makeDisplay({ throttleMs: 0 });
    display.submit({ packageName: CLOCK, view: 'main', layout: layouts.textWall('the clock') });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('gone at once'), durationMs: -1 });
    await expect.poll(() => mainText(display)).toBe('the clock');
    expect(changes.map((change) => change.state && layoutText(change.state.layout))).toEqual(['the clock', 'gone at once', 'the clock']);
    display.submit({ packageName: CLOCK, view: 'main', layout: layouts.textWall('short'), durationMs: 50 });
    await sleep(150);
    expect(mainText(display)).not.toBe('gone at once');
  });

  it('throttles main to one update per app per interval and keeps only the newest pending one', async () => {
    const { display, changes } = makeDisplay({ throttleMs: 120 });
    expect(display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('one') })).toBe('shown');
    expect(display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('two') })).toBe('throttled');
    expect(display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('three') })).toBe('throttled');
    expect(mainText(display)).toBe('one');
    await sleep(250);
    expect(mainText(display)).toBe('three');
    expect(changes.map((change) => change.state && layoutText(change.state.layout))).toEqual(['one', 'three']);
  });

  it('throttles each app on its own', () => {
    const { display } = makeDisplay({ throttleMs: 1000 });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('from notify') });
    expect(display.submit({ packageName: CLOCK, view: 'main', layout: layouts.textWall('from clock') })).toBe('shown');
    expect(mainText(display)).toBe('from clock');
  });

  it('lets the dashboard view and forceDisplay bypass the throttle, and a forced update cancels the pending one', async () => {
    const { display } = makeDisplay({ throttleMs: 100 });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('first') });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('pending') });
    expect(display.submit({ packageName: NOTIFY, view: 'dashboard', layout: layouts.textWall('dash') })).toBe('shown');
    expect(display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('forced'), forceDisplay: true })).toBe('shown');
    expect(mainText(display)).toBe('forced');
    await sleep(200);
    expect(mainText(display)).toBe('forced');
  });

  it('clears the view with an empty text wall when a display expires and nothing came before', async () => {
    const { display, changes } = makeDisplay();
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('short-lived'), durationMs: 80 });
    await sleep(200);
    expect(display.snapshot().views.main).toMatchObject({ layout: layouts.empty(), packageName: NOTIFY, durationMs: null });
    expect(changes).toHaveLength(2);
    expect(display.history().map((entry) => layoutText(entry.layout))).toEqual(['short-lived', '']);
  });

  it('restores the previous display of the foreground app when a notification expires', async () => {
    const { display } = makeDisplay();
    display.submit({ packageName: CLOCK, view: 'main', layout: layouts.textWall('12:00') });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('New mail'), durationMs: 80 });
    expect(mainText(display)).toBe('New mail');
    await sleep(200);
    expect(display.snapshot().views.main).toMatchObject({ packageName: CLOCK, layout: layouts.textWall('12:00') });
  });

  it('does not restore a display that has itself expired', async () => {
    const { display } = makeDisplay({ throttleMs: 0 });
    display.submit({ packageName: CLOCK, view: 'main', layout: layouts.textWall('old toast'), durationMs: 60 });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('newer toast'), durationMs: 150 });
    await sleep(250);
    expect(display.snapshot().views.main?.layout).toEqual(layouts.empty());
  });

  it('takes a stopped app off the display, restoring what another app showed', () => {
    const { display } = makeDisplay();
    display.submit({ packageName: CLOCK, view: 'main', layout: layouts.textWall('12:00') });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('New mail') });
    display.submit({ packageName: NOTIFY, view: 'dashboard', layout: layouts.textWall('2 unread') });
    display.removeApp(NOTIFY);
    expect(mainText(display)).toBe('12:00');
    expect(display.snapshot().views.dashboard).toBeNull();
  });

  it('caps the history, dropping the oldest entries', () => {
    const { display } = makeDisplay({ historyLimit: 3, throttleMs: 0 });
    for (const text of ['a', 'b', 'c', 'd', 'e']) display.submit({ packageName: NOTIFY, view: 'dashboard', layout: layouts.textWall(text) });
    expect(display.history().map((entry) => layoutText(entry.layout))).toEqual(['c', 'd', 'e']);
  });

  it('ignores views it does not show', () => {
    const { display, changes } = makeDisplay();
    expect(display.submit({ packageName: NOTIFY, view: 'always_on', layout: layouts.textWall('x') })).toBe('ignored');
    expect(changes).toEqual([]);
  });

  it('fires no timer after it was disposed', async () => {
    const { display, changes } = makeDisplay({ throttleMs: 50 });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('one'), durationMs: 50 });
    display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('two') });
    display.dispose();
    await sleep(150);
    expect(changes).toHaveLength(1);
    expect(display.submit({ packageName: NOTIFY, view: 'main', layout: layouts.textWall('three') })).toBe('ignored');
  });
});
