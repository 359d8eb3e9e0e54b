/** Every figure the report shows: where it comes from, how it reads, and the target it has, if any. */
import type { ClientTuning } from '../clients/bench-client.js';
import type { WorkloadId, WorkloadLimits, WorkloadSizes } from '../workloads/workload.js';

export type Unit = 'ms' | 'KiB' | 'MiB' | 'count' | 'msg/s' | 'µs';

/** A target for our SDK: a ratio to the floor measured in the same run, or an absolute bound. */
export type Target =
  | { readonly kind: 'ratio-at-most'; readonly value: number }
  | { readonly kind: 'ratio-at-least'; readonly value: number }
  | { readonly kind: 'at-most'; readonly value: number }
  | { readonly kind: 'below'; readonly value: number };

export interface MetricDefinition {
  readonly workload: WorkloadId;
  /** The key in the workload's figures. */
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  /** Whether a ratio to the floor means something for this figure (not for counts that should be 0). */
  readonly showRatio: boolean;
  readonly target?: Target;
}

/** The settings a report states next to its figures. */
export interface ReportSettings {
  readonly sizes: WorkloadSizes;
  readonly tuning: ClientTuning;
  readonly limits: WorkloadLimits;
  readonly pingIntervalMs: number;
}

const CONNECT_TARGET: Target = { kind: 'ratio-at-most', value: 1.3 };
const HEAP_TARGET: Target = { kind: 'ratio-at-most', value: 1.5 };
const ZERO: Target = { kind: 'at-most', value: 0 };

function sessionMetrics(workload: 'sessions-direct' | 'sessions-webhook'): MetricDefinition[] {
  return [
    { workload, key: 'connectMs', label: 'connect all (ms)', unit: 'ms', showRatio: true, target: CONNECT_TARGET },
    { workload, key: 'heapPerSessionKiB', label: 'heap per session (KiB)', unit: 'KiB', showRatio: true, target: HEAP_TARGET },
    { workload, key: 'rssPerSessionKiB', label: 'RSS per session (KiB)', unit: 'KiB', showRatio: true },
    { workload, key: 'teardownMs', label: 'tear all down (ms)', unit: 'ms', showRatio: true },
    { workload, key: 'heapLeftKiB', label: 'heap left after teardown (KiB)', unit: 'KiB', showRatio: false },
    { workload, key: 'handlesLeft', label: 'handles left after teardown', unit: 'count', showRatio: false },
    { workload, key: 'timersLeft', label: 'timers left after teardown', unit: 'count', showRatio: false },
  ];
}

export const METRICS: readonly MetricDefinition[] = [
  ...sessionMetrics('sessions-direct'),
  ...sessionMetrics('sessions-webhook'),
  { workload: 'churn', key: 'cycleMs', label: 'time per cycle (ms)', unit: 'ms', showRatio: true },
  { workload: 'churn', key: 'retainedSessions', label: 'sessions retained (WeakRef after gc)', unit: 'count', showRatio: false, target: ZERO },
  { workload: 'churn', key: 'handlesAdded', label: 'handles left', unit: 'count', showRatio: false, target: ZERO },
  { workload: 'churn', key: 'timersAdded', label: 'timers left', unit: 'count', showRatio: false, target: ZERO },
  { workload: 'churn', key: 'heapDeltaKiB', label: 'heap delta (KiB)', unit: 'KiB', showRatio: false },
  { workload: 'reconnect-churn', key: 'reconnectMs', label: 'time per reconnect (ms)', unit: 'ms', showRatio: true },
  { workload: 'reconnect-churn', key: 'listenersBefore', label: 'listeners before', unit: 'count', showRatio: false },
  { workload: 'reconnect-churn', key: 'listenersAdded', label: 'listeners added', unit: 'count', showRatio: false, target: ZERO },
  { workload: 'reconnect-churn', key: 'cleanupsBefore', label: 'cleanups before', unit: 'count', showRatio: false },
  { workload: 'reconnect-churn', key: 'cleanupsAdded', label: 'cleanups added', unit: 'count', showRatio: false, target: ZERO },
  { workload: 'reconnect-churn', key: 'handlesAdded', label: 'handles added', unit: 'count', showRatio: false, target: ZERO },
  { workload: 'reconnect-churn', key: 'timersAdded', label: 'timers added', unit: 'count', showRatio: false, target: ZERO },
  { workload: 'reconnect-churn', key: 'heapDeltaKiB', label: 'heap delta (KiB)', unit: 'KiB', showRatio: false },
  { workload: 'dispatch', key: 'messagesPerSecond', label: 'messages per second', unit: 'msg/s', showRatio: true, target: { kind: 'ratio-at-least', value: 0.95 } },
  { workload: 'dispatch', key: 'cpuMicrosPerMessage', label: 'CPU per message (µs)', unit: 'µs', showRatio: true },
  { workload: 'import', key: 'importMs', label: 'import time (ms)', unit: 'ms', showRatio: true, target: { kind: 'below', value: 50 } },
  { workload: 'import', key: 'heapAddedMiB', label: 'heap added (MiB)', unit: 'MiB', showRatio: true },
  { workload: 'import', key: 'rssAddedMiB', label: 'RSS added (MiB)', unit: 'MiB', showRatio: true },
  { workload: 'import', key: 'packages', label: 'packages installed', unit: 'count', showRatio: false, target: { kind: 'below', value: 15 } },
  { workload: 'import', key: 'diskMiB', label: 'size on disk (MiB)', unit: 'MiB', showRatio: true },
  { workload: 'disposal', key: 'disposalMs', label: 'time to end the session (ms)', unit: 'ms', showRatio: true },
  { workload: 'disposal', key: 'cleanupsRun', label: 'cleanups that ran', unit: 'count', showRatio: false },
  { workload: 'disposal', key: 'timersLeft', label: 'timers left', unit: 'count', showRatio: false },
  { workload: 'stale', key: 'noticeMs', label: 'time to notice (ms)', unit: 'ms', showRatio: true },
];

/** The heading of a workload, with its size. */
export function workloadTitle(workload: WorkloadId, { sizes, tuning, limits, pingIntervalMs }: ReportSettings): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  switch (workload) {
    case 'sessions-direct':
      return `1. ${n(sizes.sessions)} concurrent sessions, direct`;
    case 'sessions-webhook':
      return `1. ${n(sizes.sessions)} concurrent sessions, via webhooks`;
    case 'churn':
      return `2. Churn: ${n(sizes.churnCycles)} start/subscribe/timer/stop cycles`;
    case 'reconnect-churn':
      return `3. Reconnect churn: ${n(sizes.reconnects)} abnormal closes`;
    case 'dispatch':
      return `4. Dispatch: ${n(sizes.dispatchMessages)} transcription messages`;
    case 'import':
      return '5. Import and install cost';
    case 'disposal':
      return `6. Disposal: a session owning ${n(sizes.disposalResources)} timers, handlers and cleanups`;
    case 'stale':
      return `7. Stale connection (peer pings every ${n(pingIntervalMs)} ms; silence timeout ${n(tuning.silenceTimeoutMs)} ms where the client has one; waited up to ${n(limits.staleNoticeLimitMs)} ms)`;
  }
}

export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'ratio-at-most':
      return `at most ${target.value}x the floor`;
    case 'ratio-at-least':
      return `at least ${target.value}x the floor`;
    case 'at-most':
      return target.value === 0 ? 'zero' : `at most ${target.value}`;
    case 'below':
      return `under ${target.value}`;
  }
}

export type TargetStatus = 'met' | 'missed' | 'not measured';

export function evaluateTarget(target: Target, value: number | null | undefined, floor: number | null | undefined): TargetStatus {
  if (value === null || value === undefined) return 'not measured';
  switch (target.kind) {
    case 'ratio-at-most':
    case 'ratio-at-least': {
      if (floor === null || floor === undefined || floor <= 0) return 'not measured';
      const ratio = value / floor;
      return (target.kind === 'ratio-at-most' ? ratio <= target.value : ratio >= target.value) ? 'met' : 'missed';
    }
    case 'at-most':
      return value <= target.value ? 'met' : 'missed';
    case 'below':
      return value < target.value ? 'met' : 'missed';
  }
}
