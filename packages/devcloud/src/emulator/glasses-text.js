// How a layout looks on the glasses: pure functions, no DOM, so that node tests can check them
// against the SDK's protocol (the page cannot import TypeScript; emulator-modules.test.ts keeps
// the layout names and the line width here equal to packages/sdk/src/protocol/layouts.ts).

/** About how many Latin characters fit on one line of the glasses. */
export const LINE_WIDTH = 35;

/** Code points, so that an emoji is never cut in half. */
const charsOf = (text) => Array.from(text);

/**
 * Splits text into lines of at most `width` characters: between words where it can, inside a
 * word only when the word alone is longer than a line. The text's own line breaks are kept.
 */
export function wrapText(text, width = LINE_WIDTH) {
  const lines = [];
  for (const paragraph of String(text).split(/\r?\n/)) {
    let line = [];
    for (const word of paragraph.split(/[ \t]+/).filter((part) => part.length > 0)) {
      let chars = charsOf(word);
      if (line.length > 0 && line.length + 1 + chars.length <= width) {
        line.push(' ', ...chars);
        continue;
      }
      if (line.length > 0) lines.push(line.join(''));
      while (chars.length > width) {
        lines.push(chars.slice(0, width).join(''));
        chars = chars.slice(width);
      }
      line = chars;
    }
    lines.push(line.join(''));
  }
  return lines;
}

/** Cuts text to `width` characters, marking the cut with an ellipsis. */
function truncate(chars, width) {
  if (chars.length <= width) return chars;
  return width <= 0 ? [] : [...chars.slice(0, width - 1), '…'];
}

/**
 * One line of `width` characters with `left` at the start and `right` at the end, as a
 * dashboard card shows them. When both do not fit, the left text is cut first: the right side
 * usually holds the short, glanceable value (a time, a battery level).
 */
export function dashboardLine(left, right, width = LINE_WIDTH) {
  const oneLine = (text) => charsOf(String(text).replace(/\s+/g, ' ').trim());
  const rightChars = truncate(oneLine(right), width);
  const room = width - rightChars.length - (rightChars.length > 0 ? 1 : 0);
  const leftChars = room > 1 ? truncate(oneLine(left), room) : [];
  const gap = width - leftChars.length - rightChars.length;
  return leftChars.join('') + ' '.repeat(Math.max(gap, 0)) + rightChars.join('');
}

/** The image type of base64 data, read from its first bytes; glasses bitmaps are BMP. */
export function imageTypeOf(base64) {
  const signatures = [
    ['iVBOR', 'image/png'],
    ['/9j/', 'image/jpeg'],
    ['R0lGOD', 'image/gif'],
    ['UklGR', 'image/webp'],
  ];
  const match = signatures.find(([prefix]) => base64.startsWith(prefix));
  return match ? match[1] : 'image/bmp';
}

const textOf = (value) => (typeof value === 'string' ? value : '');

function bitmap(data, note) {
  const base64 = textOf(data).replace(/\s+/g, '');
  return { kind: 'bitmap', src: `data:${imageTypeOf(base64)};base64,${base64}`, note };
}

/**
 * What a layout shows, as sections of wrapped lines or a bitmap:
 * `{kind:'cleared'}` | `{kind:'text', sections:[{role, lines}]}` | `{kind:'bitmap', src, note}` |
 * `{kind:'unsupported', layoutType}`. Roles: `body`, `title`, `top`, `bottom`, `card`.
 */
export function describeLayout(layout, width = LINE_WIDTH) {
  const fields = typeof layout === 'object' && layout !== null ? layout : {};
  switch (fields.layoutType) {
    case 'text_wall':
      // The SDK and the cloud clear a view by showing an empty text wall.
      return textOf(fields.text) === '' ? { kind: 'cleared' } : { kind: 'text', sections: [{ role: 'body', lines: wrapText(fields.text, width) }] };
    case 'double_text_wall':
      return {
        kind: 'text',
        sections: [
          { role: 'top', lines: wrapText(textOf(fields.topText), width) },
          { role: 'bottom', lines: wrapText(textOf(fields.bottomText), width) },
        ],
      };
    case 'reference_card':
      return {
        kind: 'text',
        sections: [
          { role: 'title', lines: wrapText(textOf(fields.title), width) },
          { role: 'body', lines: wrapText(textOf(fields.text), width) },
        ],
      };
    case 'dashboard_card':
      return { kind: 'text', sections: [{ role: 'card', lines: [dashboardLine(textOf(fields.leftText), textOf(fields.rightText), width)] }] };
    case 'bitmap_view':
      return bitmap(fields.data, '');
    case 'bitmap_animation': {
      const frames = Array.isArray(fields.frames) ? fields.frames : [];
      return frames.length > 0 ? bitmap(frames[0], `animation: first of ${frames.length} frames`) : { kind: 'cleared' };
    }
    case 'clear_view':
      return { kind: 'cleared' };
    default:
      return { kind: 'unsupported', layoutType: String(fields.layoutType) };
  }
}
