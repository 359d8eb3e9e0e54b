import { RpcChannel, type RpcImplementation } from '../ipc/rpc.js';
import type { PeerApi } from '../peer/peer-api.js';
import { forkBenchProcess } from './child-process.js';
import type { WorkerJob, WorkerParentApi, WorkerReport } from './worker-protocol.js';

/**
 * Runs one job in a fresh client worker (with `--expose-gc`), relaying its calls to the peer,
 * and returns its report. A worker that crashes or overruns `timeoutMs` is killed and its
 * workloads are reported as failed. `env` is the worker's environment: it names the baseline build.
 */
export async function runWorker(job: WorkerJob, peer: RpcChannel<PeerApi>, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<WorkerReport> {
  const child = forkBenchProcess('client-worker.js', [JSON.stringify(job)], ['--expose-gc'], env);
  let report: WorkerReport | undefined;
  const served: RpcImplementation<WorkerParentApi> = {
    peer: ({ method, params }) => peer.call(method as keyof PeerApi & string, params as never),
    report: (received) => {
      report = received;
      return null;
    },
  };
  const channel = new RpcChannel(child.process, served);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  channel.close();
  if (report) return report;
  const error = `the worker ended without a report (exit ${exit}${exit === 'SIGKILL' ? `, killed after ${timeoutMs} ms` : ''}): ${child.stderrTail()}`;
  return {
    outcomes: Object.fromEntries(job.workloads.map((id) => [id, { ok: false, error }])),
    durationsMs: {},
    unhandledRejections: 0,
  };
}
