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

/** A stream name the cloud would refuse, passed to subscribe or a handler registration. */
export class InvalidSubscriptionError extends TpaError {
  constructor(readonly stream: string) {
    super('INVALID_SUBSCRIPTION', `"${stream}" is not a stream the cloud accepts (a stream type, "all", "*", or a language stream like "transcription:en-US")`);
  }
}
