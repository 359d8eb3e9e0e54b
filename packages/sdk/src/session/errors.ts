import { TpaError } from '../errors.js';

/** Every code a session error can carry. */
export type SessionErrorCode =
  | 'CONNECT_TIMEOUT'
  | 'AUTH_REJECTED'
  | 'CONNECTION_FAILED'
  | 'RECONNECT_FAILED'
  | 'SESSION_CLOSED'
  | 'INVALID_STATE'
  | 'CLOUD_ERROR'
  | 'SEND_BLOCKED';

/** A session could not connect, lost its connection, or was used in a state that does not allow it. */
export class SessionError extends TpaError {
  declare readonly code: SessionErrorCode;
  /** The session id, when the session had one. */
  readonly sessionId: string | undefined;
  /** The close code of the socket, when a close caused the error. */
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;

  constructor(
    code: SessionErrorCode,
    message: string,
    details: { sessionId?: string | undefined; closeCode?: number; closeReason?: string; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.sessionId = details.sessionId;
    this.closeCode = details.closeCode;
    this.closeReason = details.closeReason;
  }
}
