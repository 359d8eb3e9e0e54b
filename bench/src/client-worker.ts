/**
 * A client worker's process: the runner forks one (with `--expose-gc`) for each client and
 * workload, so that one client's garbage never weighs on another's figures. It runs the job
 * given as its one argument, reports over IPC and exits.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchClient } from './clients/bench-client.js';
import { BASELINE_ENV, describeClient } from './clients/registry.js';
import { RpcChannel } from './ipc/rpc.js';
import { PeerControl } from './peer/peer-control.js';
import type { WorkerJob, WorkerParentApi, WorkerReport, WorkloadOutcome } from './runner/worker-protocol.js';
import { WORKLOADS } from './workloads/index.js';
import type { WorkloadContext, WorkloadId } from './workloads/workload.js';

/** Import cost needs a process that has loaded nothing of the library; a silent cloud leaves a socket to nobody. */
function executionOrder(workloads: readonly WorkloadId[]): WorkloadId[] {
  const rank = (id: WorkloadId): number => (id === 'import' ? 0 : id === 'stale' ? 2 : 1);
  return [...workloads].sort((a, b) => rank(a) - rank(b));
}

/** Libraries that print (a deprecation notice, a "flushed" line) must not pay for a terminal; no client's output is kept. */
function silenceConsole(): void {
  const drop = (): void => undefined;
  console.log = drop;
  console.info = drop;
  console.warn = drop;
  console.error = drop;
  console.debug = drop;
  console.trace = drop;
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
const parent = new RpcChannel<WorkerParentApi>(process);
let unhandledRejections = 0;
process.on('unhandledRejection', () => {
  unhandledRejections++;
});
silenceConsole();
// Without the runner there is no one to report to.
process.on('disconnect', () => process.exit(1));

const descriptor = describeClient(job.client, process.env[BASELINE_ENV] ?? null);
let client: Promise<BenchClient> | undefined;
const context: WorkloadContext = {
  descriptor,
  client: () => {
    client ??= descriptor.load().then((create) =>
      create({ websocketUrl: job.websocketUrl, packageName: job.packageName, apiKey: job.apiKey, tuning: job.tuning }),
    );
    return client;
  },
  peer: new PeerControl(parent),
  sizes: job.sizes,
  tuning: job.tuning,
  limits: job.limits,
  benchDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
};

const outcomes: Partial<Record<WorkloadId, WorkloadOutcome>> = {};
const durationsMs: Partial<Record<WorkloadId, number>> = {};
for (const id of executionOrder(job.workloads)) {
  const started = performance.now();
  try {
    outcomes[id] = { ok: true, metrics: await WORKLOADS[id].run(context) };
  } catch (error) {
    outcomes[id] = { ok: false, error: describeError(error) };
  }
  durationsMs[id] = performance.now() - started;
}
const report: WorkerReport = { outcomes, durationsMs, unhandledRejections };
await parent.call('report', report);
// Libraries may keep sockets or timers alive (that is part of what is measured); the job is done.
process.exit(0);
