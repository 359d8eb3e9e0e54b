// The real cloud's wire words, from the protocol module, under the names the dialects use.
import { CloseReason, CloudErrorMessage, TpaConnectionErrorCode } from '@tpa/sdk/protocol';

/** The later cloud's `tpa_connection_error` codes. */
export const AppErrorCode = TpaConnectionErrorCode;

/** Messages and close reasons of the real cloud. */
export const CloudText = {
  ERROR_PROCESSING_MESSAGE: CloudErrorMessage.ERROR_PROCESSING_MESSAGE,
  INTERNAL_SERVER_ERROR: CloseReason.INTERNAL_SERVER_ERROR,
  SESSION_NOT_FOUND: CloseReason.SESSION_NOT_FOUND,
  INVALID_SESSION_ID_FORMAT: CloseReason.INVALID_SESSION_ID_FORMAT,
  APP_NOT_STARTED: CloseReason.APP_NOT_STARTED,
  INVALID_SUBSCRIPTION_TYPE: CloudErrorMessage.INVALID_SUBSCRIPTION_TYPE,
} as const;
