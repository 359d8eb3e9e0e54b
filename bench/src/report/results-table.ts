/** The one results table: a row per figure, a column per client, and our SDK's target. */
import { FLOOR_CLIENT, type ClientName } from '../clients/registry.js';
import { WORKLOAD_IDS } from '../workloads/workload.js';
import { formatCell } from './format.js';
import { METRICS, describeTarget, evaluateTarget, workloadTitle, type MetricDefinition, type ReportSettings, type TargetStatus } from './metrics.js';
import { cellNumber, type Summary } from './summary.js';

/** The client the targets are for (never the baseline: it is there to compare against). */
export const TARGET_CLIENT: ClientName = 'tpa-sdk';

function row(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
}

/** The status of `client` against a metric's target, in this summary. */
export function targetStatus(summary: Summary, metric: MetricDefinition, client: ClientName): TargetStatus {
  if (!metric.target) return 'not measured';
  const value = cellNumber(summary.cell(metric, client));
  const floor = cellNumber(summary.cell(metric, FLOOR_CLIENT));
  return evaluateTarget(metric.target, value, floor);
}

export function resultsTable(summary: Summary, settings: ReportSettings): string {
  const lines = [
    row(['Workload', 'Figure', ...summary.clients.map((client) => client.label), `Target (${TARGET_CLIENT})`]),
    row(['---', '---', ...summary.clients.map(() => '---:'), '---']),
  ];
  for (const workload of WORKLOAD_IDS.filter((id) => summary.workloads.includes(id))) {
    const metrics = METRICS.filter((metric) => metric.workload === workload);
    metrics.forEach((metric, index) => {
      const floor = cellNumber(summary.cell(metric, FLOOR_CLIENT));
      const noneText = workload === 'stale' ? `never (waited ${settings.limits.staleNoticeLimitMs.toLocaleString('en-US')} ms)` : '—';
      const cells = summary.clients.map(({ name }) =>
        formatCell(summary.cell(metric, name), metric.unit, name === FLOOR_CLIENT ? null : floor, metric.showRatio, noneText),
      );
      const target = metric.target ? `${describeTarget(metric.target)}: ${targetStatus(summary, metric, TARGET_CLIENT)}` : '';
      lines.push(row([index === 0 ? workloadTitle(workload, settings) : '', metric.label, ...cells, target]));
    });
  }
  return lines.join('\n');
}
