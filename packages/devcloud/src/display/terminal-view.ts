import { GLASSES_LINE_WIDTH, type Layout } from '@tpa/sdk/protocol';
import { wrapText } from './text-wrap.js';
import type { DisplayChange } from './view-state.js';

/** Where the terminal view writes; `process.stdout.write` in the CLI, a collector in tests. */
export type TerminalWriter = (text: string) => void;

/** The lines a layout shows, wrapped to the glasses' width. */
export function layoutLines(layout: Layout, width: number = GLASSES_LINE_WIDTH): string[] {
  const wrap = (text: string): string[] => wrapText(text, width);
  const rule = '─'.repeat(Math.min(width, 12));
  switch (layout.layoutType) {
    case 'text_wall':
      return layout.text.length === 0 ? ['(cleared)'] : wrap(layout.text);
    case 'double_text_wall':
      return [...wrap(layout.topText), rule, ...wrap(layout.bottomText)];
    case 'reference_card':
      return [...wrap(layout.title.toUpperCase()), rule, ...wrap(layout.text)];
    case 'dashboard_card':
      return wrap(`${layout.leftText} │ ${layout.rightText}`);
    case 'bitmap_view':
      return [`[bitmap, ${Buffer.byteLength(layout.data, 'base64')} bytes]`];
    case 'bitmap_animation':
      return [`[animation, ${layout.frames.length} frames every ${layout.interval} ms]`];
    case 'clear_view':
      return ['(cleared)'];
  }
}

function formatDuration(durationMs: number | null): string {
  if (durationMs === null) return 'until replaced';
  const seconds = durationMs / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
}

/**
 * One display change drawn as a box:
 * ```
 * ┌─ main · com.augmentos.notify · 10s ─┐
 * │ Mail: Lunch moved to 1pm            │
 * └─────────────────────────────────────┘
 * ```
 */
export function renderDisplayBox(change: DisplayChange, width: number = GLASSES_LINE_WIDTH): string {
  const title = change.state
    ? `${change.view} · ${change.state.packageName} · ${formatDuration(change.state.durationMs)}`
    : `${change.view} · nothing shown`;
  const body = change.state ? layoutLines(change.state.layout, width) : [];
  const inner = Math.max(width, ...body.map((line) => line.length), title.length + 2);
  const top = `┌─ ${title} ${'─'.repeat(inner - title.length - 1)}┐`;
  const rows = body.map((line) => `│ ${line.padEnd(inner)} │`);
  const bottom = `└${'─'.repeat(inner + 2)}┘`;
  return [top, ...rows, bottom].join('\n') + '\n';
}

/** A display listener that draws every change through `write`, with the user's id above the box. */
export function createTerminalView(write: TerminalWriter, width: number = GLASSES_LINE_WIDTH): (change: DisplayChange) => void {
  return (change) => write(`${change.userId}\n${renderDisplayBox(change, width)}`);
}
