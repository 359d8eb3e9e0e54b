/**
 * The clients the benchmark compares. Adapters are loaded lazily, in the worker that measures
 * them, so that a worker has imported nothing of a library before the import-cost workload
 * measures it.
 */
import type { BenchClientFactory } from './bench-client.js';

export const CLIENT_NAMES = ['raw-ws', 'mentra', 'tpa-sdk'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

/** The client every ratio is taken against. */
export const FLOOR_CLIENT: ClientName = 'raw-ws';

export interface ClientDescriptor {
  readonly name: ClientName;
  /** The column heading in the report. */
  readonly label: string;
  /** The module an app imports to use the library: what the import-cost workload measures. */
  readonly library: string;
  readonly load: () => Promise<BenchClientFactory>;
}

export const CLIENTS: Readonly<Record<ClientName, ClientDescriptor>> = {
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
    load: async () => (await import('./tpa-sdk.js')).createClient,
  },
};

export function isClientName(value: string): value is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(value);
}
