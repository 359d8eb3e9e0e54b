import { TpaError } from '../errors.js';

/** A resource was added to a scope that had already closed; it was released at once. */
export class ScopeClosedError extends TpaError {
  constructor(
    readonly scopeName: string,
    what: string,
    readonly scopeState: 'closing' | 'closed' = 'closed',
  ) {
    super('SCOPE_CLOSED', `${what} was added to scope "${scopeName}" while it was ${scopeState}; it was released at once. Create resources while the scope is open.`);
  }
}

/** An async cleanup did not settle within the scope's bound; closing went on without it. */
export class CleanupTimeoutError extends TpaError {
  constructor(
    readonly scopeName: string,
    what: string,
    readonly timeoutMs: number,
  ) {
    super('CLEANUP_TIMEOUT', `${what} in scope "${scopeName}" did not finish within ${timeoutMs} ms; closing went on without it`);
  }
}

/** One or more cleanups of a scope threw or timed out. `errors` holds each of them, in order. */
export class ScopeCleanupError extends TpaError {
  readonly errors: readonly unknown[];

  /** `what[i]` names the resource whose release gave `errors[i]`, for the message. */
  constructor(
    readonly scopeName: string,
    errors: readonly unknown[],
    what: readonly string[] = [],
  ) {
    const shown = errors.slice(0, 3).map((error, index) => `${what[index] ?? 'a cleanup'}: ${error instanceof Error ? error.message : String(error)}`);
    const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : '';
    super('CLEANUP_FAILED', `${errors.length} cleanup(s) of scope "${scopeName}" failed: ${shown.join('; ')}${more}`, { cause: errors[0] });
    this.errors = errors;
  }
}

/** A callback the scope ran (a timer, an interval, a listener) threw or rejected. */
export class CallbackError extends TpaError {
  constructor(
    readonly scopeName: string,
    what: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('CALLBACK_FAILED', `${what} in scope "${scopeName}" threw: ${detail}`, { cause });
  }
}

/** Releasing the values of a collection failed; every value was still released. `errors` holds each failure. */
export class DisposeError extends TpaError {
  readonly errors: readonly unknown[];

  constructor(what: string, errors: readonly unknown[]) {
    const first = errors[0] instanceof Error ? errors[0].message : String(errors[0]);
    super('DISPOSE_FAILED', `${errors.length} value(s) of ${what} failed to release; first: ${first}`, { cause: errors[0] });
    this.errors = errors;
  }
}
