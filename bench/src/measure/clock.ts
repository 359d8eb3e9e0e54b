import { setTimeout as sleep } from 'node:timers/promises';

/** Milliseconds from a monotonic clock. */
export function now(): number {
  return performance.now();
}

export { sleep };

/** Polls `condition` every `intervalMs` until it holds or `timeoutMs` passes; says whether it held. */
export async function pollUntil(condition: () => boolean, timeoutMs: number, intervalMs = 10): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (!condition()) {
    if (now() >= deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}

/** A promise with its resolve function, for "resolve when the handler has seen N messages". */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Rejects with a clear message if `promise` takes longer than `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
