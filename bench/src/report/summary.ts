/** Turns the runs' raw figures into one cell per metric and client: the median of the runs. */
import type { ClientDescriptor, ClientName } from '../clients/registry.js';
import { median } from '../measure/stats.js';
import type { RunResult } from '../runner/run-benchmark.js';
import type { WorkloadId } from '../workloads/workload.js';
import { METRICS, type MetricDefinition } from './metrics.js';

export type Cell =
  /** The median of the runs. */
  | { readonly kind: 'value'; readonly value: number; readonly runs: number }
  /** The workload had no figure to give (e.g. a silent cloud never noticed). */
  | { readonly kind: 'none' }
  /** Every run of the workload failed for this client. */
  | { readonly kind: 'error' }
  /** The client or workload was not part of this benchmark. */
  | { readonly kind: 'absent' };

export interface RunFailure {
  readonly run: number;
  readonly client: ClientName;
  readonly workload: WorkloadId;
  readonly error: string;
}

export interface Summary {
  /** The clients measured, in column order. */
  readonly clients: readonly ClientDescriptor[];
  readonly workloads: readonly WorkloadId[];
  cell(metric: MetricDefinition, client: ClientName): Cell;
  readonly failures: readonly RunFailure[];
}

function summarizeValues(values: readonly (number | null)[]): Cell {
  if (values.length === 0) return { kind: 'error' };
  // "No figure" (null) counts as worse than any figure, so one run that never noticed is not hidden.
  const middle = median(values.map((value) => value ?? Number.POSITIVE_INFINITY));
  if (middle === null || !Number.isFinite(middle)) return { kind: 'none' };
  return { kind: 'value', value: middle, runs: values.length };
}

export function summarize(results: readonly RunResult[], clients: readonly ClientDescriptor[], workloads: readonly WorkloadId[]): Summary {
  const figures = new Map<string, (number | null)[]>();
  const failures: RunFailure[] = [];
  const keyOf = (workload: WorkloadId, metric: string, client: ClientName): string => `${workload}\u0000${metric}\u0000${client}`;
  for (const { run, client, workload, outcome } of results) {
    if (!outcome.ok) {
      failures.push({ run, client, workload, error: outcome.error });
      continue;
    }
    for (const metric of METRICS.filter((definition) => definition.workload === workload)) {
      const key = keyOf(workload, metric.key, client);
      const list = figures.get(key) ?? [];
      list.push(outcome.metrics[metric.key] ?? null);
      figures.set(key, list);
    }
  }
  return {
    clients,
    workloads,
    failures,
    cell(metric, client) {
      if (!hasClient({ clients }, client) || !workloads.includes(metric.workload)) return { kind: 'absent' };
      return summarizeValues(figures.get(keyOf(metric.workload, metric.key, client)) ?? []);
    },
  };
}

/** Whether `client` was measured in this summary. */
export function hasClient(summary: Pick<Summary, 'clients'>, client: ClientName): boolean {
  return summary.clients.some((descriptor) => descriptor.name === client);
}

/** A client's column heading in this summary. */
export function clientLabel(summary: Summary, client: ClientName): string {
  return summary.clients.find((descriptor) => descriptor.name === client)?.label ?? client;
}

/** The number in a cell, if it has one. */
export function cellNumber(cell: Cell): number | null {
  return cell.kind === 'value' ? cell.value : null;
}
