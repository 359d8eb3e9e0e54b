import { describe, expect, it } from 'vitest';
import { layouts } from '@tpa/sdk/protocol';
import { wrapText } from '../src/display/text-wrap.js';
import { createTerminalView, renderDisplayBox } from '../src/display/terminal-view.js';
import { ALICE, NOTES, NOTES_KEY, useFixtures } from './helpers/fixtures.js';

const state = (layout: ReturnType<typeof layouts.textWall> | ReturnType<typeof layouts.doubleTextWall>, durationMs: number | null) => ({
  layout,
  packageName: 'com.augmentos.notify',
  shownAt: '2025-04-01T12:00:00.000Z',
  durationMs,
  expiresAt: null,
});

describe('wrapping text to the glasses width', () => {
  it('breaks at spaces, keeps line breaks and splits words longer than a line', () => {
    expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
    expect(wrapText('one\ntwo', 10)).toEqual(['one', 'two']);
    expect(wrapText('abcdefghijklmnop', 6)).toEqual(['abcdef', 'ghijkl', 'mnop']);
    expect(wrapText('', 10)).toEqual(['']);
  });
});

describe('the terminal view', () => {
  it('draws a display as a box titled with view, app and duration, text wrapped to 35 columns', () => {
    const text = 'Mail from Bob: the meeting moved to 3pm in the big room';
    const box = renderDisplayBox({ userId: 'alice@example.com', view: 'main', state: state(layouts.textWall(text), 10_000) });
    const lines = box.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^┌─ main · com\.augmentos\.notify · 10s ─+┐$/);
    expect(lines.at(-1)).toMatch(/^└─+┘$/);
    const body = lines.slice(1, -1).map((line) => line.slice(2, -2).trimEnd());
    expect(body.join(' ')).toBe(text);
    expect(Math.max(...body.map((line) => line.length))).toBeLessThanOrEqual(35);
    expect(new Set(lines.map((line) => [...line].length)).size).toBe(1);
  });

  it('says "until replaced" for a display without duration and shows both parts of a double text wall', () => {
    const box = renderDisplayBox({ userId: 'a', view: 'dashboard', state: state(layouts.doubleTextWall('top', 'bottom'), null) });
    expect(box).toContain('dashboard · com.augmentos.notify · until replaced');
    expect(box).toMatch(/top[\s\S]*─{12}[\s\S]*bottom/);
  });

  it('writes each change through the injected writer, with the user above the box', () => {
    const written: string[] = [];
    const view = createTerminalView((text) => written.push(text));
    view({ userId: 'alice@example.com', view: 'main', state: null });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^alice@example\.com\n┌─ main · nothing shown ─+┐\n└─+┘\n$/);
  });
});

describe('a dev cloud with the terminal view on', () => {
  const use = useFixtures();

  it('draws what an app shows, through the injected writer', async () => {
    const written: string[] = [];
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY });
    const cloud = await use.cloud({ apps: [tpa.registration], terminal: true, terminalWriter: (text) => written.push(text) });
    await cloud.startApp(ALICE, NOTES);
    tpa.latestSocket().display(NOTES, layouts.textWall('Buy milk on the way home tonight, and bread'), { durationMs: 10_000 });
    await cloud.waitForDisplay(ALICE, (display) => display.views.main !== null);
    expect(written).toHaveLength(1);
    expect(written[0]).toContain(`${ALICE}\n┌─ main · ${NOTES} · 10s `);
    expect(written[0]).toContain('│ Buy milk on the way home tonight,   │');
    expect(written[0]).toContain('│ and bread                           │');
  });

  it('stays quiet by default', async () => {
    const written: string[] = [];
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY });
    const cloud = await use.cloud({ apps: [tpa.registration], terminalWriter: (text) => written.push(text) });
    await cloud.startApp(ALICE, NOTES);
    tpa.latestSocket().display(NOTES, layouts.textWall('hello'));
    await cloud.waitForDisplay(ALICE, (display) => display.views.main !== null);
    expect(written).toEqual([]);
  });
});
