import { setImmediate as nextTurn } from 'node:timers/promises';

/** Rounds of gc() with a turn of the event loop between them, so that WeakRefs and finalizers settle. */
const GC_ROUNDS = 4;

export interface MemorySnapshot {
  /** V8 heap in use, in bytes. */
  readonly heapUsed: number;
  /** Resident set size of the process, in bytes. */
  readonly rss: number;
}

/** Raised when the process was started without `--expose-gc`, so memory figures would be noise. */
export class GcUnavailableError extends Error {
  readonly code = 'GC_UNAVAILABLE';
  constructor() {
    super('gc() is not exposed: run the worker with --expose-gc');
    this.name = 'GcUnavailableError';
  }
}

/** Collects garbage until it is gone: several full collections with a turn of the event loop between. */
export async function collectGarbage(): Promise<void> {
  const gc = globalThis.gc;
  if (!gc) throw new GcUnavailableError();
  for (let round = 0; round < GC_ROUNDS; round++) {
    await nextTurn();
    gc();
  }
}

/** Memory in use after a full collection. */
export async function settledMemory(): Promise<MemorySnapshot> {
  await collectGarbage();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

export const KIB = 1024;
export const MIB = 1024 * 1024;
