import type { Logger } from '../logging/index.js';
import { safeLogger, silentLogger } from '../logging/index.js';
import { toDisposable, type Disposer } from '../resources/index.js';

export interface Stoppable {
  stop(): Promise<void>;
  /** Aborted when the server starts stopping, however: the signal listeners are then removed. */
  readonly signal?: AbortSignal;
}

export interface StopOnSignalsOptions {
  /** Default `['SIGINT', 'SIGTERM']`. */
  readonly signals?: readonly NodeJS.Signals[];
  readonly logger?: Logger;
}

/**
 * Opt-in: stops `server` gracefully on the first SIGINT/SIGTERM. It never calls `process.exit`:
 * once the server has stopped nothing keeps the process alive, so it exits by itself. A second
 * signal while stopping is left to Node's default (an immediate exit), as a user pressing Ctrl-C
 * twice expects. The returned disposer removes the handlers; so does the server stopping by any
 * other means (a `TpaServer`'s `signal`).
 *
 * @example
 * ```ts
 * const server = new MyServer({ packageName, apiKey });
 * await server.start();
 * stopOnSignals(server);
 * ```
 */
export function stopOnSignals(server: Stoppable, options: StopOnSignalsOptions = {}): Disposer {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const logger = safeLogger(options.logger ?? silentLogger);
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    logger.info({ signal }, 'stopping on signal');
    server.stop().catch((error: unknown) => {
      logger.error({ err: error }, 'stop failed');
      process.exitCode = 1;
    });
  };
  for (const signal of signals) process.once(signal, onSignal);
  const stopped = server.signal;
  const remove = toDisposable(() => {
    for (const signal of signals) process.off(signal, onSignal);
    stopped?.removeEventListener('abort', remove);
  }, 'remove signal handlers');
  if (stopped?.aborted) remove();
  else stopped?.addEventListener('abort', remove, { once: true });
  return remove;
}
