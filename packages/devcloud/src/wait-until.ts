import { CloudClosedError, DevCloudTimeoutError } from './errors.js';

export interface WaitUntilOptions<T> {
  /** The value waited for, or `undefined` while it is not there yet. */
  readonly check: () => T | undefined;
  /** Calls `wake` whenever the answer of `check` may have changed; returns the way out. */
  readonly subscribe: (wake: () => void) => () => void;
  readonly timeoutMs: number;
  /** Fires when the dev cloud closes: the wait fails with a `CloudClosedError`. */
  readonly closed: AbortSignal;
  /** The timeout error's message: what was waited for and what there is instead. */
  readonly describeTimeout: () => string;
}

/** Resolves as soon as `check` finds its value (at once if it is there already), or fails after `timeoutMs`. */
export function waitUntil<T>(options: WaitUntilOptions<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (options.closed.aborted) {
      reject(new CloudClosedError());
      return;
    }
    const initial = options.check();
    if (initial !== undefined) {
      resolve(initial);
      return;
    }
    const finish = (outcome: () => void): void => {
      clearTimeout(timer);
      unsubscribe();
      options.closed.removeEventListener('abort', onClosed);
      outcome();
    };
    const onClosed = (): void => finish(() => reject(new CloudClosedError()));
    const unsubscribe = options.subscribe(() => {
      const value = options.check();
      if (value !== undefined) finish(() => resolve(value));
    });
    const timer = setTimeout(() => finish(() => reject(new DevCloudTimeoutError(options.describeTimeout()))), options.timeoutMs);
    options.closed.addEventListener('abort', onClosed, { once: true });
  });
}
