import { setTimeout as delay } from 'node:timers/promises';

export interface ReconnectOptions {
  /** How many attempts after a lost connection. Default 5. */
  readonly maxAttempts?: number;
  /** The first backoff ceiling; it doubles per attempt. Default 500 ms. */
  readonly baseDelayMs?: number;
  /** The largest backoff ceiling. Default 10 s. */
  readonly maxDelayMs?: number;
  /** Give up when the next attempt would start later than this after the loss. Default 60 s. */
  readonly deadlineMs?: number;
  /** The jitter's source of numbers in [0, 1). Default `Math.random`; a test can fix it. */
  readonly random?: () => number;
  /**
   * How long a connection must stay up before the attempts start over. A cloud that acks and drops
   * every connection (flapping) uses them up, and the session ends with `RECONNECT_FAILED` instead
   * of reconnecting forever. Default 30 s.
   */
  readonly stableAfterMs?: number;
}

export const DEFAULT_RECONNECT: Required<ReconnectOptions> = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  deadlineMs: 60_000,
  random: Math.random,
  stableAfterMs: 30_000,
};

/**
 * Exponential backoff with full jitter: a uniform delay between 0 and
 * `min(maxDelayMs, baseDelayMs * 2^(attempt-1))`, so that many apps losing one cloud at once do
 * not come back in lockstep.
 */
export function backoffDelay(attempt: number, options: Required<ReconnectOptions>): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(options.random() * ceiling);
}

/**
 * Runs `attempt` until it succeeds, with {@link backoffDelay} before each try, up to attempt
 * number `maxAttempts` (starting at `firstAttempt`, when earlier ones were used by a connection
 * that did not last) and never starting one past `deadlineMs`. Stops early when `signal` aborts
 * (the owner ended) or `retryable` says an error is final. A success says which attempt it was.
 */
export async function retryWithBackoff(
  policy: Required<ReconnectOptions>,
  signal: AbortSignal,
  attempt: (attempt: number) => Promise<void>,
  retryable: (error: unknown) => boolean,
  firstAttempt = 1,
): Promise<{ readonly ok: true; readonly attempt: number } | { readonly ok: false; readonly lastError: unknown }> {
  const deadline = Date.now() + policy.deadlineMs;
  let lastError: unknown;
  for (let number = firstAttempt; number <= policy.maxAttempts; number++) {
    const wait = backoffDelay(number, policy);
    if (Date.now() + wait > deadline) break;
    try {
      await delay(wait, undefined, { signal });
    } catch {
      return { ok: false, lastError }; // the owner ended while waiting
    }
    if (signal.aborted) return { ok: false, lastError };
    try {
      await attempt(number);
      return { ok: true, attempt: number };
    } catch (error) {
      lastError = error;
      if (signal.aborted || !retryable(error)) break;
    }
  }
  return { ok: false, lastError };
}
