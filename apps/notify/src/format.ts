/**
 * How a phone notification becomes the text on the glasses: pure functions, no I/O, never throw.
 */
import type { PhoneNotification } from '@tpa/sdk/protocol';

/** The most characters a notification may take on screen, `...` included (newlines from wrapping not counted). */
export const MAX_NOTIFICATION_CHARS = 125;
/** Glasses show about 30-35 Latin characters per line. */
export const LINE_WIDTH = 35;
export const ELLIPSIS = '...';
/** A cut inside a word moves back to the space before it, if that costs at most this many characters. */
const WORD_BACKTRACK = 15;

/** The fields of a notification that make its text. */
export type NotificationText = Pick<PhoneNotification, 'app' | 'title' | 'content'>;

const LINE_BREAK_CHARS = /\r\n|[\r\u2028\u2029\u0085]/g;
const HORIZONTAL_WHITESPACE = /[^\S\n]/g;
/** A run of periods and newlines, with the spaces between and around them. */
const SEPARATOR_RUN = /[ ]*(?:[.\n][ ]*)+/g;
/** After these a folded run needs no period of its own: `Hi!\nthere` -> `Hi! there`. */
const SENTENCE_END = /[!?,;:…]$/;

/** Tabs, non-breaking spaces and control characters become plain spaces; every line break becomes `\n`. */
function normalizeWhitespace(text: string): string {
  let controlFree = '';
  for (const char of text.replace(LINE_BREAK_CHARS, '\n')) {
    const code = char.charCodeAt(0);
    const isControl = (code < 0x20 && char !== '\n') || (code >= 0x7f && code < 0xa0);
    controlFree += isControl ? ' ' : char;
  }
  return controlFree.replace(HORIZONTAL_WHITESPACE, ' ');
}

/**
 * Folds each run of newlines and periods into `. `, so that a multi-line message reads as
 * sentences on a single wall of text: `"a\n\nb"`, `"a...b"`, `"a.\nb"` all become `"a. b"`.
 *
 * A lone period with no newline (`3.14`, `example.com`, `Hi. There`) is not a run and stays.
 * A run at the start is dropped; a run at the end becomes `.` if it held a period, else nothing.
 * After `!`, `?`, `,`, `;`, `:` or `…` a run adds no period of its own (a space, or nothing at the end). Other whitespace is collapsed to one space
 * and the result is trimmed.
 *
 * @example
 * foldSeparators('Meeting moved.\n\nSee you at 3...'); // 'Meeting moved. See you at 3.'
 */
export function foldSeparators(text: string): string {
  const folded = normalizeWhitespace(text).replace(SEPARATOR_RUN, (run: string, offset: number, whole: string) => {
    const periods = run.split('.').length - 1;
    const hasNewline = run.includes('\n');
    if (!hasNewline && periods < 2) return run;
    const before = whole.slice(0, offset).trimEnd();
    if (before === '') return ' ';
    const atEnd = whole.slice(offset + run.length).trim() === '';
    if (SENTENCE_END.test(before)) return atEnd ? '' : ' ';
    if (atEnd) return periods > 0 ? '.' : '';
    return '. ';
  });
  return folded.replace(/ {2,}/g, ' ').trim();
}

/** The largest cut position <= `index` that does not split a surrogate pair (an emoji, say). */
function safeCutIndex(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return Math.max(0, Math.min(index, text.length));
  const code = text.charCodeAt(index - 1);
  const endsOnHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return endsOnHighSurrogate ? index - 1 : index;
}

/**
 * Cuts `text` to at most `maxChars` characters, `...` included, when it is longer. A cut that
 * would fall inside a word moves back to the space before it (unless the word is very long), and
 * spaces and periods before the `...` are dropped, so that a cut reads `the...`, not `the ha...`.
 *
 * @example
 * truncate('a'.repeat(200)).length; // 125, ending in '...'
 */
export function truncate(text: string, maxChars: number = MAX_NOTIFICATION_CHARS): string {
  const limit = Math.max(0, Math.floor(maxChars));
  if (text.length <= limit) return text;
  if (limit < ELLIPSIS.length) return text.slice(0, safeCutIndex(text, limit));
  const cut = safeCutIndex(text, limit - ELLIPSIS.length);
  let kept = text.slice(0, cut);
  const midWord = /\S/.test(text.charAt(cut)) && /\S$/.test(kept);
  const lastSpace = kept.lastIndexOf(' ');
  if (midWord && lastSpace > 0 && kept.length - lastSpace <= WORD_BACKTRACK) kept = kept.slice(0, lastSpace);
  return kept.replace(/[\s.]+$/, '') + ELLIPSIS;
}

/** Cuts a word longer than `width` into pieces of at most `width`. */
function hardCut(word: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  while (rest.length > width) {
    // A width of 1 cannot hold a surrogate pair: cut it anyway rather than loop forever.
    const cut = safeCutIndex(rest, width) || width;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

/**
 * Word-wraps `text` into lines of at most `width` characters. Words longer than a line are cut;
 * existing newlines are kept as line breaks; spaces at a break are dropped.
 *
 * @example
 * wrapLines('the quick brown fox', 10); // ['the quick', 'brown fox']
 */
export function wrapLines(text: string, width: number = LINE_WIDTH): string[] {
  const lineWidth = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ').filter((w) => w !== '')) {
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= lineWidth) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
      if (line.length > lineWidth) {
        const pieces = hardCut(line, lineWidth);
        line = pieces.pop() ?? '';
        lines.push(...pieces);
      }
    }
    lines.push(line);
  }
  return lines;
}

/** `app - title: content`, leaving out whatever part is blank after folding. */
function joinParts(app: string, title: string, content: string): string {
  const heading = [app, title].filter((part) => part !== '').join(' - ');
  if (heading === '') return content;
  return content === '' ? heading : `${heading}: ${content}`;
}

/**
 * The text Notify shows for a notification: `<app> - <title>: <content>` (`<app>: <content>` when
 * the title is blank), separators folded ({@link foldSeparators}), cut to 125 characters
 * ({@link truncate}) and wrapped to 35-character lines ({@link wrapLines}).
 *
 * @example
 * formatNotification({ app: 'Messages', title: 'Bob', content: 'Lunch?\nAt noon' });
 * // 'Messages - Bob: Lunch? At noon'
 */
export function formatNotification(notification: NotificationText): string {
  const line = joinParts(foldSeparators(notification.app), foldSeparators(notification.title), foldSeparators(notification.content));
  return wrapLines(truncate(line)).join('\n');
}
