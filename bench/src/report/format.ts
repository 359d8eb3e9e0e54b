import type { Cell } from './summary.js';
import type { Unit } from './metrics.js';

const grouped = (value: number, decimals: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** A figure with as many decimals as its size deserves. */
export function formatNumber(value: number, unit: Unit): string {
  if (unit === 'count' || unit === 'msg/s') return grouped(Math.round(value), 0);
  const size = Math.abs(value);
  return grouped(value, size >= 100 ? 0 : size >= 10 ? 1 : 2);
}

export function formatRatio(value: number, floor: number): string {
  return `${(value / floor).toFixed(2)}x`;
}

/** A cell as the table shows it, with its ratio to the floor when that means something. */
export function formatCell(cell: Cell, unit: Unit, floor: number | null, showRatio: boolean, noneText: string): string {
  switch (cell.kind) {
    case 'absent':
      return 'not run';
    case 'error':
      return 'error';
    case 'none':
      return noneText;
    case 'value': {
      const text = formatNumber(cell.value, unit);
      return showRatio && floor !== null && floor > 0 ? `${text} (${formatRatio(cell.value, floor)})` : text;
    }
  }
}
