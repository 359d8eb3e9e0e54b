/** Raised when the state a caller waits for does not come in time. */
export class PeerTimeoutError extends Error {
  readonly code = 'PEER_TIMEOUT';
  constructor(what: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'PeerTimeoutError';
  }
}

interface Waiter {
  readonly condition: () => boolean;
  readonly resolve: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Promises that resolve when a condition over the peer's state becomes true. The owner calls
 * `changed()` after every change of state (a socket opened, acked, subscribed or closed).
 */
export class ConditionWatch {
  private readonly waiting = new Set<Waiter>();

  until(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        condition,
        resolve,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          reject(new PeerTimeoutError(describe(), timeoutMs));
        }, timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  changed(): void {
    for (const waiter of this.waiting) {
      if (!waiter.condition()) continue;
      clearTimeout(waiter.timer);
      this.waiting.delete(waiter);
      waiter.resolve();
    }
  }
}
