import type { BenchClient, ClientTuning } from '../clients/bench-client.js';
import type { ClientDescriptor } from '../clients/registry.js';
import type { PeerControl } from '../peer/peer-control.js';

/** The workloads, in the order the report lists them (the numbering). */
export const WORKLOAD_IDS = ['sessions-direct', 'sessions-webhook', 'churn', 'reconnect-churn', 'dispatch', 'import', 'disposal', 'stale'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export function isWorkloadId(value: string): value is WorkloadId {
  return (WORKLOAD_IDS as readonly string[]).includes(value);
}

/** How big each workload is: the numbers in a full run, tiny ones in quick mode. */
export interface WorkloadSizes {
  /** Concurrent sessions of workload 1. */
  readonly sessions: number;
  /** Start/stop cycles of workload 2. */
  readonly churnCycles: number;
  /** Abnormal closes of workload 3. */
  readonly reconnects: number;
  /** Transcription messages of workload 4. */
  readonly dispatchMessages: number;
  /** Timers, handlers and cleanups (each) of workload 6. */
  readonly disposalResources: number;
}

export interface WorkloadLimits {
  /** How long workload 7 waits for a client to notice a silent cloud before it says "never". */
  readonly staleNoticeLimitMs: number;
  /** How long any single wait on the peer may take before the workload fails. */
  readonly peerTimeoutMs: number;
  /** How long handle and timer counts must hold still before a measurement (see `settle`). */
  readonly settleQuietMs: number;
}

export interface WorkloadContext {
  readonly descriptor: ClientDescriptor;
  /** The client under test; its library is loaded on the first call. */
  client(): Promise<BenchClient>;
  readonly peer: PeerControl;
  readonly sizes: WorkloadSizes;
  readonly tuning: ClientTuning;
  readonly limits: WorkloadLimits;
  /** The bench package folder, from which installed libraries are found. */
  readonly benchDir: string;
}

/** A workload's figures by metric id; `null` when there is no figure (e.g. "never noticed"). */
export type MetricValues = Record<string, number | null>;

export interface Workload {
  readonly id: WorkloadId;
  run(context: WorkloadContext): Promise<MetricValues>;
}

/** A handler that does nothing: the cost measured is the library's, not the app's. */
export const ignore = (): void => undefined;
