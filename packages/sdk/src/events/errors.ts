import { TpaError } from '../errors.js';

/** An app's event handler threw or rejected. The other handlers and the session went on. */
export class HandlerError extends TpaError {
  constructor(
    readonly event: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('HANDLER_FAILED', `a handler for "${event}" threw: ${detail}`, { cause });
  }
}

/**
 * More handlers than {@link MAX_HANDLERS_PER_STREAM} for one stream: most likely a handler that
 * registers another on every call, growing without bound (as Node's `MaxListenersExceededWarning`).
 * Reported once per stream; nothing is refused.
 */
export class TooManyHandlersError extends TpaError {
  constructor(
    readonly stream: string,
    readonly count: number,
  ) {
    super('TOO_MANY_HANDLERS', `${count} handlers for "${stream}" in one session: a handler that registers a new one on every event? (reported once)`);
  }
}

/** How many handlers of one stream a session takes before it reports {@link TooManyHandlersError}. */
export const MAX_HANDLERS_PER_STREAM = 50;

/** A stream name the cloud would refuse, passed to subscribe or a handler registration. */
export class InvalidSubscriptionError extends TpaError {
  constructor(readonly stream: string) {
    super('INVALID_SUBSCRIPTION', `"${stream}" is not a stream the cloud accepts (a stream type, "all", "*", or a language stream like "transcription:en-US")`);
  }
}
