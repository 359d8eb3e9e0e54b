/**
 * The clients the benchmark compares. Adapters are loaded lazily, in the worker that measures
 * them, so that a worker has imported nothing of a library before the import-cost workload
 * measures it.
 */
import type { BenchClientFactory } from './bench-client.js';
import { builtSdkEntry, builtSdkName, loadBuiltSdk, loadInstalledSdk } from './tpa-sdk-builds.js';

export const CLIENT_NAMES = ['raw-ws', 'mentra', 'tpa-sdk', 'tpa-sdk-baseline'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

/** The client every ratio is taken against. */
export const FLOOR_CLIENT: ClientName = 'raw-ws';

/** Our SDK from an older build, available only when that build's folder is given. */
export const BASELINE_CLIENT = 'tpa-sdk-baseline' satisfies ClientName;

/** How the runner tells a worker where the baseline build is. */
export const BASELINE_ENV = 'TPA_SDK_BASELINE';

export interface ClientDescriptor {
  readonly name: ClientName;
  /** The column heading in the report. */
  readonly label: string;
  /** The module an app imports to use the library: what the import-cost workload imports. */
  readonly library: string;
  /** The library's package folder when it is not installed where the bench finds it by name (a built checkout). */
  readonly packageDir?: string;
  readonly load: () => Promise<BenchClientFactory>;
}

type InstalledClientName = Exclude<ClientName, typeof BASELINE_CLIENT>;

const INSTALLED_CLIENTS: Readonly<Record<InstalledClientName, ClientDescriptor>> = {
  'raw-ws': {
    name: 'raw-ws',
    label: 'raw ws (floor)',
    library: 'ws',
    load: async () => (await import('./raw-ws.js')).createClient,
  },
  mentra: {
    name: 'mentra',
    label: '@mentra/sdk 2.1.29',
    library: '@mentra/sdk',
    load: async () => (await import('./mentra.js')).createClient,
  },
  'tpa-sdk': {
    name: 'tpa-sdk',
    label: 'tpa-sdk (ours)',
    library: '@tpa/sdk',
    load: async () => (await import('./tpa-sdk.js')).tpaClientFactory(await loadInstalledSdk()),
  },
};

function baselineClient(packageDir: string): ClientDescriptor {
  let buildName: string | undefined;
  return {
    name: BASELINE_CLIENT,
    // Named from git only when shown: a worker never asks.
    get label() {
      buildName ??= builtSdkName(packageDir);
      return `tpa-sdk (baseline ${buildName})`;
    },
    library: builtSdkEntry(packageDir),
    packageDir,
    load: async () => (await import('./tpa-sdk.js')).tpaClientFactory(await loadBuiltSdk(packageDir)),
  };
}

/** The clients a run can use, in report order: the baseline only when its build's folder is given. */
export function availableClients(baselineDir: string | null): ClientName[] {
  return CLIENT_NAMES.filter((name) => name !== BASELINE_CLIENT || baselineDir !== null);
}

/** The descriptor of a client; the baseline's needs the folder of its build. */
export function describeClient(name: ClientName, baselineDir: string | null): ClientDescriptor {
  if (name !== BASELINE_CLIENT) return INSTALLED_CLIENTS[name];
  if (baselineDir === null) throw new Error(`the ${BASELINE_CLIENT} client needs the folder of a built @tpa/sdk (--baseline <dir> or ${BASELINE_ENV})`);
  return baselineClient(baselineDir);
}

export function isClientName(value: string): value is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(value);
}
