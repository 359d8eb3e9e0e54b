import { TpaError } from '../errors.js';

export type ServerErrorCode = 'ALREADY_STARTED' | 'SERVER_STOPPED' | 'LISTEN_FAILED' | 'ON_SESSION_FAILED' | 'ON_STOP_FAILED';

export class ServerError extends TpaError {
  declare readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
