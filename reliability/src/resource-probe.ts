import { createHook } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Counts of live handles by kind (`TCPSocketWrap`, `Timeout`, ...), as Node reports them. */
export type ResourceCounts = Readonly<Record<string, number>>;

/**
 * The kinds of handle a leaked session would keep: sockets, listening servers and timers.
 * Unref'd timers are not counted, as Node does not count them as keeping the process alive.
 */
export const LEAK_KINDS: readonly string[] = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'Immediate'];

export function activeResources(): ResourceCounts {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** How many handles of each leak kind are alive beyond `baseline`; empty when none are. */
export function resourcesAbove(baseline: ResourceCounts, now: ResourceCounts = activeResources()): Record<string, number> {
  const excess: Record<string, number> = {};
  for (const kind of LEAK_KINDS) {
    const extra = (now[kind] ?? 0) - (baseline[kind] ?? 0);
    if (extra > 0) excess[kind] = extra;
  }
  return excess;
}

/**
 * Waits until no more handles are alive than in `baseline` (closing sockets take a few ticks),
 * then returns what is still above it after `timeoutMs`: empty when nothing leaked.
 */
export async function settleToBaseline(baseline: ResourceCounts, timeoutMs = 5_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let excess = resourcesAbove(baseline);
  while (Object.keys(excess).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    excess = resourcesAbove(baseline);
  }
  return excess;
}

let gcFunction: (() => void) | undefined;

/**
 * Node's `gc()`: the one `--expose-gc` gives, or else one obtained by setting that flag at run
 * time, so that a leak check works however the process was started.
 */
export function garbageCollector(): () => void {
  gcFunction ??= (globalThis as { gc?: () => void }).gc ?? obtainGc();
  return gcFunction;
}

function obtainGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Collects garbage until the heap stops shrinking (a few passes, with a turn of the event loop between). */
export async function collectGarbage(passes = 4): Promise<void> {
  const gc = garbageCollector();
  for (let pass = 0; pass < passes; pass++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

/** Of `refs`, how many still point at a live object after a full collection. */
export async function countUncollected(refs: Iterable<WeakRef<object>>): Promise<number> {
  await collectGarbage();
  let alive = 0;
  for (const ref of refs) if (ref.deref() !== undefined) alive++;
  return alive;
}

/** Heap in use after a full collection, in bytes. */
export async function heapAfterGc(): Promise<number> {
  await collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Timers made while a {@link TimerTracker} was on, that are still pending and keep the process alive. */
export interface TimerTracker {
  /** How many such timers there are. */
  count(): number;
  /** Where each such timer was made (with `stacks: true`), one stack per timer. */
  pending(): string[];
  stop(): void;
}

interface TimerResource {
  hasRef?: () => boolean;
  /** Node's own mark of a timeout that fired or was cleared (the destroy hook may come later). */
  _destroyed?: boolean;
}

interface TrackedTimer {
  readonly timer: WeakRef<TimerResource>;
  readonly madeAt: string;
}

export interface TimerTrackerOptions {
  /** Record where each timer was made (costs a stack trace per timer). Default false. */
  readonly stacks?: boolean;
  /** Timers made where this matches (a test runner's own) are not tracked; needs `stacks`. */
  readonly ignore?: RegExp;
}

/**
 * Records every timer made from now on, until it fires or is cleared. Precise where handle counts
 * are not: `getActiveResourcesInfo()` does not list every pending timer.
 */
export function trackTimers(options: TimerTrackerOptions = {}): TimerTracker {
  const timers = new Map<number, TrackedTimer>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      // The stack as text at once: an Error kept unread would keep its frames' objects alive.
      const madeAt = options.stacks ? (new Error('timer made here').stack ?? '') : '';
      if (options.ignore?.test(madeAt)) return;
      timers.set(asyncId, { timer: new WeakRef(resource as TimerResource), madeAt });
    },
    destroy(asyncId) {
      timers.delete(asyncId);
    },
  }).enable();
  const pending = (): TrackedTimer[] =>
    [...timers.values()].filter(({ timer }) => {
      const live = timer.deref();
      return live !== undefined && live._destroyed !== true && live.hasRef?.() === true;
    });
  return {
    count: () => pending().length,
    pending: () => pending().map(({ madeAt }) => madeAt.split('\n').slice(2).filter((line) => !line.includes('node:internal')).slice(0, 4).join('\n')),
    stop: () => hook.disable(),
  };
}
