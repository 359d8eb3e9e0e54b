/** What the runner and a client worker say to each other. */
import type { ClientTuning } from '../clients/bench-client.js';
import type { ClientName } from '../clients/registry.js';
import type { MetricValues, WorkloadId, WorkloadLimits, WorkloadSizes } from '../workloads/workload.js';

/** One worker's job: a client and the workloads to run on it, in one process. */
export interface WorkerJob {
  readonly client: ClientName;
  readonly workloads: readonly WorkloadId[];
  readonly sizes: WorkloadSizes;
  readonly tuning: ClientTuning;
  readonly limits: WorkloadLimits;
  readonly websocketUrl: string;
  readonly packageName: string;
  readonly apiKey: string;
}

export type WorkloadOutcome = { readonly ok: true; readonly metrics: MetricValues } | { readonly ok: false; readonly error: string };

export interface WorkerReport {
  readonly outcomes: Partial<Record<WorkloadId, WorkloadOutcome>>;
  /** How long each workload took, set-up and waits included (for the progress lines). */
  readonly durationsMs: Partial<Record<WorkloadId, number>>;
  /** Promise rejections that the library left unhandled (a worker survives them and says so). */
  readonly unhandledRejections: number;
}

/** What a worker calls on the runner. */
export interface WorkerParentApi {
  /** A call to the cloud peer, relayed by the runner. */
  peer(params: { readonly method: string; readonly params: unknown }): unknown;
  /** The worker's results; it exits after this. */
  report(params: WorkerReport): null;
}
