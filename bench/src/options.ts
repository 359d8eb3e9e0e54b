/** The benchmark's command line and the two profiles it selects between: full and quick. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClientTuning } from './clients/bench-client.js';
import { BASELINE_CLIENT, BASELINE_ENV, CLIENT_NAMES, FLOOR_CLIENT, availableClients, isClientName, type ClientName } from './clients/registry.js';
import { isBuiltSdk } from './clients/tpa-sdk-builds.js';
import { WORKLOAD_IDS, isWorkloadId, type WorkloadId, type WorkloadLimits, type WorkloadSizes } from './workloads/workload.js';

export interface BenchProfile {
  readonly sizes: WorkloadSizes;
  readonly runs: number;
  /** How often the peer pings every socket. */
  readonly pingIntervalMs: number;
  readonly tuning: ClientTuning;
  readonly limits: WorkloadLimits;
  /** How long one worker may run before it is killed. */
  readonly workerTimeoutMs: number;
  /**
   * Quick mode runs every workload of a client in one worker, and the clients side by side, to
   * keep the smoke test short; its figures are not comparable.
   */
  readonly smokeTest: boolean;
}

export const FULL_PROFILE: BenchProfile = {
  sizes: { sessions: 1_000, churnCycles: 2_000, reconnects: 200, dispatchMessages: 100_000, disposalResources: 10_000 },
  runs: 3,
  pingIntervalMs: 1_000,
  tuning: { reconnectDelayMs: 10, silenceTimeoutMs: 2_500 },
  limits: { staleNoticeLimitMs: 10_000, peerTimeoutMs: 60_000, settleQuietMs: 100 },
  workerTimeoutMs: 300_000,
  smokeTest: false,
};

export const QUICK_PROFILE: BenchProfile = {
  sizes: { sessions: 4, churnCycles: 6, reconnects: 2, dispatchMessages: 300, disposalResources: 30 },
  runs: 1,
  pingIntervalMs: 100,
  // Loose enough that a busy test machine does not make a heartbeat drop a socket mid-workload.
  tuning: { reconnectDelayMs: 5, silenceTimeoutMs: 500 },
  limits: { staleNoticeLimitMs: 1_000, peerTimeoutMs: 10_000, settleQuietMs: 20 },
  workerTimeoutMs: 60_000,
  smokeTest: true,
};

/** The app identity every client uses against the peer. */
export const BENCH_APP = { packageName: 'com.example.bench', apiKey: 'bench-api-key' } as const;

export interface BenchOptions {
  readonly quick: boolean;
  readonly profile: BenchProfile;
  readonly clients: readonly ClientName[];
  /** The package folder of an older build of `@tpa/sdk`, measured as the baseline client; `null` without one. */
  readonly baseline: string | null;
  readonly workloads: readonly WorkloadId[];
  /** Where to write the report; `null` to only print it. */
  readonly out: string | null;
}

/** Raised for a command line the benchmark cannot run. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: npm run bench -- [--quick] [--runs N] [--clients ${CLIENT_NAMES.join(',')}] [--workloads ${WORKLOAD_IDS.join(',')}] [--baseline DIR] [--out FILE | --no-write]

A full run writes BENCHMARKS.md at the repository root; --quick (tiny sizes, one run) writes nothing unless --out is given.
--baseline DIR (or ${BASELINE_ENV}=DIR) adds the ${BASELINE_CLIENT} client: our SDK's adapter driving the build in DIR
(a package folder holding dist/index.js, e.g. ../wt-base/packages/sdk), to compare a change with the build before it.`;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_REPORT_PATH = path.join(REPO_ROOT, 'BENCHMARKS.md');

function listOption<T extends string>(raw: string | undefined, all: readonly T[], isValid: (value: string) => value is T, what: string): T[] {
  if (raw === undefined) return [...all];
  const picked = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  const unknown = picked.filter((entry) => !isValid(entry));
  if (unknown.length > 0) throw new UsageError(`unknown ${what}: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  // Keep the canonical order, whatever order they were given in.
  return all.filter((entry) => picked.includes(entry));
}

/** The baseline build's folder, from `--baseline` or else the environment, checked to hold a build. */
function baselineOption(raw: string | undefined, env: NodeJS.ProcessEnv): string | null {
  const given = raw ?? env[BASELINE_ENV];
  if (given === undefined || given === '') return null;
  const dir = path.resolve(given);
  if (!isBuiltSdk(dir)) throw new UsageError(`--baseline ${given}: no dist/index.js there; give the package folder of a built @tpa/sdk (run tsc -b in its checkout)`);
  return dir;
}

function clientsOption(raw: string | undefined, baseline: string | null): ClientName[] {
  const available = availableClients(baseline);
  if (raw === undefined) return available;
  const clients = listOption(raw, CLIENT_NAMES, isClientName, 'client');
  if (!clients.every((client) => available.includes(client))) throw new UsageError(`--clients ${BASELINE_CLIENT} needs --baseline DIR (or ${BASELINE_ENV})`);
  return clients;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        runs: { type: 'string' },
        clients: { type: 'string' },
        workloads: { type: 'string' },
        baseline: { type: 'string' },
        out: { type: 'string' },
        'no-write': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const base = values.quick ? QUICK_PROFILE : FULL_PROFILE;
  const runs = values.runs === undefined ? base.runs : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a whole number of at least 1, got ${values.runs}`);
  const baseline = baselineOption(values.baseline, env);
  const clients = clientsOption(values.clients, baseline);
  if (!clients.includes(FLOOR_CLIENT)) throw new UsageError(`--clients must include ${FLOOR_CLIENT}: every ratio is taken against it`);
  const workloads = listOption(values.workloads, WORKLOAD_IDS, isWorkloadId, 'workload');
  const out = values['no-write'] ? null : (values.out ?? (values.quick ? null : DEFAULT_REPORT_PATH));
  return { quick: values.quick, profile: { ...base, runs }, clients, baseline, workloads, out: out === null ? null : path.resolve(out) };
}
