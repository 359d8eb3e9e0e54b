// The emulator page is plain browser JavaScript and cannot import the SDK's protocol, so these
// tests hold its layout rendering and the events it sends to the protocol's own definitions.
import {
  ButtonPressSchema,
  effectiveStreamOf,
  GLASSES_LINE_WIDTH,
  HeadPositionSchema,
  LayoutType,
  layouts,
  parseStreamData,
  PhoneNotificationSchema,
  STREAM_TYPES,
} from '@tpa/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { dashboardLine, describeLayout, imageTypeOf, LINE_WIDTH, wrapText } from '../src/emulator/glasses-text.js';
import {
  buttonPress,
  headPosition,
  HEAD_POSITIONS,
  NOTIFICATION_PRIORITIES,
  phoneNotification,
  PRESS_TYPES,
  transcription,
  type EmulatedEvent,
} from '../src/emulator/phone-events.js';

const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

function textSections(layout: unknown): { role: string; lines: string[] }[] {
  const shown = describeLayout(layout);
  if (shown.kind !== 'text') throw new Error(`expected text, got ${shown.kind}`);
  return shown.sections;
}

describe('how the emulator lays text out on the glasses', () => {
  it('uses the line width of the protocol', () => {
    expect(LINE_WIDTH).toBe(GLASSES_LINE_WIDTH);
  });

  it('wraps a long text wall between words, never past the line width, losing no word', () => {
    const text = 'The quick brown fox jumps over the lazy dog while the glasses show every single word of it';
    const [body] = textSections(layouts.textWall(text));
    expect(body?.lines.length).toBeGreaterThan(2);
    for (const line of body?.lines ?? []) expect(line.length).toBeLessThanOrEqual(GLASSES_LINE_WIDTH);
    expect(body?.lines.join(' ')).toBe(text);
  });

  it('cuts a word longer than a line, keeps line breaks, and never splits an emoji', () => {
    expect(wrapText('x'.repeat(80), 35)).toEqual(['x'.repeat(35), 'x'.repeat(35), 'x'.repeat(10)]);
    expect(wrapText('first\nsecond', 35)).toEqual(['first', 'second']);
    const emoji = wrapText('😀'.repeat(5), 2);
    expect(emoji).toEqual(['😀😀', '😀😀', '😀']);
  });

  it('treats an empty text wall as a cleared view', () => {
    expect(describeLayout(layouts.empty())).toEqual({ kind: 'cleared' });
    expect(describeLayout({ layoutType: LayoutType.CLEAR_VIEW })).toEqual({ kind: 'cleared' });
  });

  it('shows a double text wall as a top and a bottom part', () => {
    const sections = textSections(layouts.doubleTextWall('Top line', 'Bottom line'));
    expect(sections).toEqual([
      { role: 'top', lines: ['Top line'] },
      { role: 'bottom', lines: ['Bottom line'] },
    ]);
  });

  it('shows a reference card as its title, then its text', () => {
    const sections = textSections(layouts.referenceCard('Recipe', 'Two eggs and a pinch of salt'));
    expect(sections.map((section) => section.role)).toEqual(['title', 'body']);
    expect(sections[0]?.lines).toEqual(['Recipe']);
  });

  it('puts both sides of a dashboard card on one line of the glasses width', () => {
    const [card] = textSections(layouts.dashboardCard('12:30', 'Battery 85%'));
    expect(card?.lines).toHaveLength(1);
    const line = card?.lines[0] ?? '';
    expect(line).toHaveLength(GLASSES_LINE_WIDTH);
    expect(line.startsWith('12:30 ')).toBe(true);
    expect(line.endsWith(' Battery 85%')).toBe(true);
  });

  it('cuts the left side of a dashboard card that does not fit, keeping the right side whole', () => {
    const line = dashboardLine('A very long calendar entry title that goes on', '14:05');
    expect(Array.from(line)).toHaveLength(GLASSES_LINE_WIDTH);
    expect(line.endsWith(' 14:05')).toBe(true);
    expect(line).toContain('…');
  });

  it('shows a bitmap view as an image of the type its data says', () => {
    expect(describeLayout(layouts.bitmapView(ONE_PIXEL_PNG))).toEqual({ kind: 'bitmap', src: `data:image/png;base64,${ONE_PIXEL_PNG}`, note: '' });
    expect(imageTypeOf('Qk0eAAAAAAAAABoAAAAMAAAAAQABAAEAGAAAAP8A')).toBe('image/bmp');
  });

  it('knows every layout type of the protocol', () => {
    const samples: Record<LayoutType, unknown> = {
      text_wall: layouts.textWall('hello'),
      double_text_wall: layouts.doubleTextWall('a', 'b'),
      reference_card: layouts.referenceCard('a', 'b'),
      dashboard_card: layouts.dashboardCard('a', 'b'),
      bitmap_view: layouts.bitmapView(ONE_PIXEL_PNG),
      bitmap_animation: { layoutType: LayoutType.BITMAP_ANIMATION, frames: [ONE_PIXEL_PNG], interval: 100, repeat: true },
      clear_view: { layoutType: LayoutType.CLEAR_VIEW },
    };
    for (const layoutType of Object.values(LayoutType)) {
      expect(describeLayout(samples[layoutType]).kind, layoutType).not.toBe('unsupported');
    }
    expect(describeLayout({ layoutType: 'hologram' })).toEqual({ kind: 'unsupported', layoutType: 'hologram' });
  });
});

describe('the events the emulator sends', () => {
  function expectValidEvent(event: EmulatedEvent): void {
    expect(STREAM_TYPES).toContain(event.streamType);
    const parsed = parseStreamData(event.streamType, event.data);
    expect(parsed.ok, parsed.ok ? '' : parsed.error.message).toBe(true);
    expect(parsed.ok && parsed.value.typed).toBe(true);
  }

  it('sends notifications, button presses and head moves that the protocol accepts', () => {
    expectValidEvent(phoneNotification({ app: 'Messages', title: 'Bob', content: 'Lunch?', priority: 'high' }));
    expectValidEvent(buttonPress({ buttonId: 'main', pressType: 'long' }));
    expectValidEvent(headPosition({ position: 'up' }));
  });

  it('sends a transcription routed to the language the user picked', () => {
    const event = transcription({ text: 'Bonjour', language: 'fr-FR', isFinal: false });
    expectValidEvent(event);
    expect(effectiveStreamOf(event.streamType, event.data)).toBe('transcription:fr-FR');
    expect(event.data).toMatchObject({ text: 'Bonjour', isFinal: false });
  });

  it('gives two notifications sent in the same millisecond different ids', () => {
    const fields = { app: 'Messages', title: 'a', content: 'b', priority: 'normal' };
    const first = phoneNotification(fields, 1000);
    const second = phoneNotification(fields, 1000);
    expect(first.data['notificationId']).not.toBe(second.data['notificationId']);
  });

  it('offers exactly the choices the protocol allows', () => {
    expect([...NOTIFICATION_PRIORITIES]).toEqual(PhoneNotificationSchema.shape.priority.options);
    expect([...PRESS_TYPES]).toEqual(ButtonPressSchema.shape.pressType.options);
    expect([...HEAD_POSITIONS]).toEqual(HeadPositionSchema.shape.position.options);
  });
});
