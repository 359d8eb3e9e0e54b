import type { SessionWebhookRequest } from '@tpa/sdk/protocol';

// Wire words of the real cloud that `@tpa/sdk/protocol` does not have yet. Each one is spelled
// here once, with the source line it comes from.

/**
 * TODO(protocol): the later cloud's error codes of `tpa_connection_error`
 * (`S@c1f57fc3 cloud/services/websocket/websocket-app.service.ts` L42-50; `APP_NOT_STARTED`:
 * `AppManager.ts` L706).
 */
export const AppErrorCode = {
  MALFORMED_MESSAGE: 'MALFORMED_MESSAGE',
  INVALID_API_KEY: 'INVALID_API_KEY',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  APP_NOT_STARTED: 'APP_NOT_STARTED',
} as const;

/** TODO(protocol): messages and close reasons of the real cloud that `CloseReason` lacks. */
export const CloudText = {
  /** Spring's only answer to a message it failed on (`S@75f9793f websocket.service.ts` L1218-1235). */
  ERROR_PROCESSING_MESSAGE: 'Error processing message',
  /** Later: a frame it cannot parse, or a close reason too long to send (`websocket-app.service.ts` L167-172, L424-425). */
  INTERNAL_SERVER_ERROR: 'Internal server error',
  /** Later: an init naming a user with no session (`websocket-app.service.ts` L147-151), or a message before init (L158-161). */
  SESSION_NOT_FOUND: 'Session not found',
  /** Later: a session id with no `-` (`websocket-app.service.ts` L139-145). */
  INVALID_SESSION_ID_FORMAT: 'Invalid session ID format',
  /** Later: an app that is neither loading nor running for that user (`AppManager.ts` L696-713). */
  APP_NOT_STARTED: 'App not started for this session',
  /** Later: the prefix of an invalid subscription's error (`websocket-app.service.ts` L301). */
  INVALID_SUBSCRIPTION_TYPE: 'Invalid subscription type',
} as const;

/**
 * TODO(protocol): the later cloud's ack field for the user's system settings
 * (`S@c1f57fc3 cloud/services/session/AppManager.ts` L748-755); `mentraosSettings` only from 2026-01-29.
 */
export const AUGMENTOS_SETTINGS_FIELD = 'augmentosSettings';

/**
 * The field `buildSessionWebhookRequest` adds that no real cloud sends: every version, up to the
 * newest, sends `augmentOSWebsocketUrl` only (`F@f27d4828 AppManager.ts` L853-859).
 * TODO(protocol): a builder that sends only what the real cloud sends.
 */
const LATER_URL_FIELD = 'mentraOSWebsocketUrl' satisfies keyof SessionWebhookRequest;

/** A session_request as every real cloud sent it: the socket URL under `augmentOSWebsocketUrl` only. */
export function asRealCloudSends(request: SessionWebhookRequest): SessionWebhookRequest {
  const { [LATER_URL_FIELD]: _never, ...sent } = request;
  return sent;
}
