import { BASELINE_ENV, type ClientName } from '../clients/registry.js';
import type { RpcChannel } from '../ipc/rpc.js';
import { BENCH_APP, type BenchOptions } from '../options.js';
import type { PeerApi } from '../peer/peer-api.js';
import type { WorkloadId } from '../workloads/workload.js';
import { startPeerProcess } from './peer-process.js';
import type { WorkerJob, WorkerReport, WorkloadOutcome } from './worker-protocol.js';
import { runWorker } from './worker-process.js';

/** One workload's result for one client in one run. */
export interface RunResult {
  readonly run: number;
  readonly client: ClientName;
  readonly workload: WorkloadId;
  readonly outcome: WorkloadOutcome;
}

function progressLine(run: number, runs: number, client: ClientName, workloads: readonly WorkloadId[], report: WorkerReport, elapsedMs: number): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const timings = workloads.map((workload) => {
    const ms = report.durationsMs[workload];
    const failed = report.outcomes[workload]?.ok ? '' : ' FAILED';
    return `${workload}${ms === undefined ? '' : ` ${seconds(ms)}`}${failed}`;
  });
  const rejections = report.unhandledRejections > 0 ? `  (${report.unhandledRejections} unhandled rejections in the library)` : '';
  return `run ${run}/${runs}  ${client.padEnd(16)} ${seconds(elapsedMs).padStart(7)}  ${timings.join(', ')}${rejections}`;
}

/**
 * Runs every workload on every client, `runs` times, each worker in a fresh process against
 * one cloud peer. A full run measures one client and workload at a time, interleaved (all
 * clients of a workload, then the next workload) so that drift of the machine is shared fairly;
 * the smoke test runs all workloads of a client in one worker and the clients side by side.
 */
export async function runBenchmark(options: BenchOptions, progress: (line: string) => void): Promise<RunResult[]> {
  const { profile } = options;
  const peer = await startPeerProcess({ pingIntervalMs: profile.pingIntervalMs, packageName: BENCH_APP.packageName });
  const results: RunResult[] = [];
  const workerEnv = options.baseline === null ? process.env : { ...process.env, [BASELINE_ENV]: options.baseline };
  const runJob = async (run: number, client: ClientName, workloads: readonly WorkloadId[]): Promise<void> => {
    const job: WorkerJob = {
      client,
      workloads,
      sizes: profile.sizes,
      tuning: profile.tuning,
      limits: profile.limits,
      websocketUrl: peer.info.websocketUrl,
      ...BENCH_APP,
    };
    const started = performance.now();
    const report = await runWorker(job, peer.channel, profile.workerTimeoutMs, workerEnv);
    for (const workload of workloads) {
      const outcome: WorkloadOutcome = report.outcomes[workload] ?? { ok: false, error: 'the worker did not run it' };
      results.push({ run, client, workload, outcome });
    }
    progress(progressLine(run, profile.runs, client, workloads, report, performance.now() - started));
  };
  try {
    for (let run = 1; run <= profile.runs; run++) {
      if (profile.smokeTest) {
        await Promise.all(options.clients.map((client) => runJob(run, client, options.workloads)));
        await resetPeer(peer.channel);
        continue;
      }
      for (const workload of options.workloads) {
        for (const client of options.clients) {
          await runJob(run, client, [workload]);
          await resetPeer(peer.channel);
        }
      }
    }
  } finally {
    await peer.stop();
  }
  return results;
}

/** Drops whatever a worker left connected (a silent socket, a library's lingering session). */
function resetPeer(peer: RpcChannel<PeerApi>): Promise<void> {
  return peer.call('reset', null);
}
