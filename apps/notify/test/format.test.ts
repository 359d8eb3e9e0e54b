import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ELLIPSIS, LINE_WIDTH, MAX_NOTIFICATION_CHARS, foldSeparators, formatNotification, truncate, wrapLines } from '@tpa/notify';

/** A string with no lone surrogate: what a well-formed notification holds, and what we must keep. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const withoutNewlines = (text: string): string => text.replaceAll('\n', '');

/** Text that looks like notifications: words, periods, newlines, spaces, emoji, long runs. */
const notificationLikeText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('.', '\n', ' ', '\r\n', '\t', '!', '…', '😀', 'é'),
    fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'b', 'Z', '1') }),
    fc.constantFrom('x'.repeat(40), 'https://example.com/a/very/long/link/that/never/ends'),
  ),
  maxLength: 60,
});
const anyText = fc.oneof(notificationLikeText, fc.string({ unit: 'binary', maxLength: 300 }));

describe('foldSeparators', () => {
  it.each([
    ['a\n\nb', 'a. b'],
    ['a...b', 'a. b'],
    ['a.\nb', 'a. b'],
    ['a\nb', 'a. b'],
    ['a. \n  b', 'a. b'],
    ['a\r\n\r\nb', 'a. b'],
    ['line one\nline two\nline three', 'line one. line two. line three'],
  ])('folds the run in %j into one ". "', (input, expected) => {
    expect(foldSeparators(input)).toBe(expected);
  });

  it.each([
    ['3.14', '3.14'],
    ['see example.com now', 'see example.com now'],
    ['Hi. There', 'Hi. There'],
    ['Done.', 'Done.'],
  ])('leaves a lone period alone: %j', (input, expected) => {
    expect(foldSeparators(input)).toBe(expected);
  });

  it.each([
    ['Wait...', 'Wait.'],
    ['Hello.\n', 'Hello.'],
    ['Hello\n\n', 'Hello'],
    ['\n\n...Hello', 'Hello'],
    ['  spaced   out  ', 'spaced out'],
    ['Hi!\nthere', 'Hi! there'],
    ['Really?...', 'Really?'],
    ['tab\there', 'tab here'],
    ['\n. \n', ''],
  ])('keeps the ends and other whitespace sane: %j -> %j', (input, expected) => {
    expect(foldSeparators(input)).toBe(expected);
  });

  it('leaves no newline, no double period, no double space, nothing to trim, and is idempotent', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const folded = foldSeparators(text);
        expect(folded).not.toContain('\n');
        expect(folded).not.toContain('..');
        expect(folded).not.toContain('  ');
        expect(folded).toBe(folded.trim());
        expect(foldSeparators(folded)).toBe(folded);
      }),
    );
  });
});

describe('truncate', () => {
  it('leaves text of 125 characters or fewer as it is', () => {
    const exact = 'x'.repeat(MAX_NOTIFICATION_CHARS);
    expect(truncate(exact)).toBe(exact);
  });

  it('cuts longer text to exactly 125 characters ending in "..."', () => {
    const cut = truncate('y'.repeat(MAX_NOTIFICATION_CHARS + 1));
    expect(cut).toHaveLength(MAX_NOTIFICATION_CHARS);
    expect(cut.endsWith(`y${ELLIPSIS}`)).toBe(true);
  });

  it('drops spaces and periods before the "..."', () => {
    expect(truncate('abc.  def', 9)).toBe('abc.  def');
    expect(truncate('abc.  defgh', 9)).toBe('abc...');
  });

  it('cuts at the space before a word rather than inside it', () => {
    expect(truncate('hello wonderful world', 14)).toBe('hello...');
  });

  it('hard-cuts a word too long to move back over', () => {
    expect(truncate(`a ${'b'.repeat(50)}`, 30)).toBe(`a ${'b'.repeat(25)}...`);
  });

  it('never splits an emoji in half', () => {
    const cut = truncate(`${'a'.repeat(MAX_NOTIFICATION_CHARS - 4)}😀😀😀`);
    expect(cut).toMatch(/a\.\.\.$/);
    expect(LONE_SURROGATE.test(cut)).toBe(false);
  });

  it('holds to any limit, keeps a prefix of the text, and never throws', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: -5, max: 200 }), (text, max) => {
        const cut = truncate(text, max);
        expect(cut.length).toBeLessThanOrEqual(Math.max(0, max));
        if (text.length <= max) expect(cut).toBe(text);
        else if (cut.endsWith(ELLIPSIS)) expect(text.startsWith(cut.slice(0, -ELLIPSIS.length))).toBe(true);
      }),
    );
  });
});

describe('wrapLines', () => {
  it('wraps at word boundaries within 35 characters', () => {
    const lines = wrapLines('The quick brown fox jumps over the lazy dog and keeps running far away');
    expect(lines).toEqual(['The quick brown fox jumps over the', 'lazy dog and keeps running far away']);
  });

  it('hard-cuts a word longer than a line', () => {
    const link = `see ${'z'.repeat(80)} ok`;
    expect(wrapLines(link)).toEqual(['see', 'z'.repeat(35), 'z'.repeat(35), `${'z'.repeat(10)} ok`]);
  });

  it('keeps existing line breaks', () => {
    expect(wrapLines('one\ntwo three', 5)).toEqual(['one', 'two', 'three']);
  });

  it('keeps every line within the width and loses no character but spaces', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 60 }), (text, width) => {
        const lines = wrapLines(text, width);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
        expect(lines.join('').replaceAll(' ', '')).toBe(text.replaceAll('\n', '').replaceAll(' ', ''));
      }),
    );
  });
});

describe('formatNotification', () => {
  it('shows app, title and content as "<app> - <title>: <content>"', () => {
    expect(formatNotification({ app: 'Messages', title: 'Bob', content: 'Lunch at noon?' })).toBe('Messages - Bob: Lunch at noon?');
  });

  it('leaves the title out when it is blank', () => {
    expect(formatNotification({ app: 'Calendar', title: ' \n ', content: 'Standup in 5 min' })).toBe('Calendar: Standup in 5 min');
  });

  it('folds, cuts and wraps a long multi-line message for the glasses', () => {
    const text = formatNotification({
      app: 'Slack',
      title: 'Alice in #general',
      content: `Release notes...\n\nEverything shipped.\n${'Thanks everyone for the hard work '.repeat(5)}`,
    });
    expect(text).toBe(
      [
        'Slack - Alice in #general: Release',
        'notes. Everything shipped. Thanks',
        'everyone for the hard work Thanks',
        'everyone for the...',
      ].join('\n'),
    );
  });

  it('keeps every line within 35 characters and the text within 125, for any input, without throwing', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (app, title, content) => {
        const text = formatNotification({ app, title, content });
        for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(LINE_WIDTH);
        expect(withoutNewlines(text).length).toBeLessThanOrEqual(MAX_NOTIFICATION_CHARS);
      }),
      { numRuns: 500 },
    );
  });

  it('never turns well-formed text into broken characters', () => {
    const wellFormed = fc.string({ unit: 'grapheme', maxLength: 200 });
    fc.assert(
      fc.property(wellFormed, wellFormed, wellFormed, (app, title, content) => {
        expect(LONE_SURROGATE.test(formatNotification({ app, title, content }))).toBe(false);
      }),
    );
  });
});
