import {
  CLOUD_PING_INTERVAL_MS,
  CLOUD_SILENCE_TIMEOUT_MS,
  CloseCode,
  CloseReason,
  STREAM_TYPES,
  StreamType,
  TPA_WEBSOCKET_PATH,
  TpaToCloudMessageType,
  buildConnectionError,
  formatLanguageStream,
  isLanguageCode,
  parseLanguageStream,
  streamNameFor,
  subscriptionNames,
  type AppSetting,
  type SubscriptionUpdate,
  type WireSetting,
} from '@tpa/sdk/protocol';
import { CloudText } from './cloud-wire.js';
import type { AckSettingsSource, AppMessageProblem, AppSocketActions, Dialect, InitRefusal } from './dialect.js';

// The spring 2025 cloud: Mentra-Community/MentraOS at 75f9793f (2025-04-01, `@augmentos/sdk`
// 1.1.1) and 5850d8ae (2025-04-21). Paths below are under `augmentos_cloud/packages/cloud/src/`
// at 75f9793f unless a line says otherwise.

/**
 * Whether spring knew a subscription: a value of its `StreamType` or a language stream with two
 * real language codes (`services/core/subscription.service.ts` L294-297; `sdk/types/streams.ts`
 * L123-170). It knew no location-rate object, `transcription:auto`, `translation:all-to-…`, nor
 * the later streams (`phone_notification_dismissed`, `touch_event`, `location_stream`, …).
 */
function springKnows(entry: SubscriptionUpdate['subscriptions'][number]): boolean {
  if (typeof entry !== 'string') return false;
  if ((STREAM_TYPES as readonly string[]).includes(entry)) return true;
  const language = parseLanguageStream(entry);
  if (!language || formatLanguageStream(language) !== entry) return false;
  return language.base === StreamType.TRANSCRIPTION ? isLanguageCode(language.language) : isLanguageCode(language.source);
}

/** The settings a user's first ack carries, built from `tpa_config.json` (`websocket.service.ts` L1392-1401). */
function firstConnectionSettings(declared: readonly AppSetting[]): AppSetting[] {
  return declared.map(
    (setting) =>
      ({
        key: setting.key,
        value: setting.defaultValue,
        defaultValue: setting.defaultValue,
        type: setting.type,
        label: setting.label,
        options: Array.isArray((setting as { options?: unknown }).options) ? (setting as { options: unknown[] }).options : [],
      }) as AppSetting,
  );
}

export const springDialect: Dialect = {
  name: 'spring',
  description: 'the spring 2025 cloud (75f9793f / 5850d8ae, @augmentos/sdk 1.1.x)',
  // Exactly `/tpa-ws`, compared with the whole request URL (a query string fails); any other upgrade
  // is destroyed (`websocket.service.ts` L670-683).
  socketPath: TPA_WEBSOCKET_PATH,
  acceptsSocketUrl: (requestUrl) => requestUrl === TPA_WEBSOCKET_PATH,
  // A ping every 15 s; a socket silent for 45 s is terminated (`services/core/health-monitor.service.ts` L24-25, L155-199).
  pingIntervalMs: CLOUD_PING_INTERVAL_MS,
  silenceTimeoutMs: CLOUD_SILENCE_TIMEOUT_MS,
  // Its close handler only forgets the socket and its subscriptions (`websocket.service.ts` L1251-1276): no restart.
  restartGraceMs: null,
  // `ownership_release` came in December 2025: spring ignores it as an unknown type.
  honoursOwnershipRelease: false,
  dismissalStream: StreamType.NOTIFICATION_DISMISSED,
  eventStreamName: (stream) => streamNameFor(stream, 'spring'),

  invalidSubscriptions(subscriptions) {
    return subscriptionNames(subscriptions.filter((entry) => !springKnows(entry)));
  },

  ackSettings({ declared, stored, store }: AckSettingsSource): WireSetting[] {
    // The stored key/value pairs, once there are any (`websocket.service.ts` L1380-1383).
    if (stored && stored.length > 0) return [...stored];
    // A user's first connection: the full declared shape, stored as pairs (L1385-1404, ack L1417-1422).
    const built = firstConnectionSettings(declared);
    // Inference: a setting with no default fails the store's `value: required` (`models/user.model.ts`
    // L54-57); the save throws, is logged (L1408-1410), and the ack carries none.
    if (built.some((setting) => setting.value === undefined)) return [];
    store(built.map((setting) => ({ key: setting.key, value: setting.value })));
    return built;
  },

  // Its ack is `{type, sessionId, settings, timestamp}` only (`websocket.service.ts` L1417-1422).
  ackExtras: () => ({}),

  refuseInit(socket: AppSocketActions, refusal: InitRefusal): void {
    switch (refusal) {
      // `sessionId.split('-')[0]` names no user session: `close(1008, 'No active session')` (L1310-1316).
      case 'invalid-session-id':
      case 'no-user-session':
        void socket.close(CloseCode.POLICY_VIOLATION, CloseReason.NO_ACTIVE_SESSION);
        return;
      // No message, only the close (L1329-1333).
      case 'invalid-api-key':
        void socket.close(CloseCode.POLICY_VIOLATION, CloseReason.INVALID_API_KEY);
        return;
      // Spring let an app that was not started connect (the refusal is commented out, L1352-1360); the
      // dev cloud refuses it as it refuses an unknown session.
      case 'app-not-started':
        void socket.close(CloseCode.POLICY_VIOLATION, CloseReason.NO_ACTIVE_SESSION);
        return;
    }
  },

  // Every error is `connection_error {message, timestamp}` and the socket stays open (`sendError` L1453-1460).
  reportProblem(socket: AppSocketActions, problem: AppMessageProblem): void {
    switch (problem.kind) {
      // A frame `JSON.parse` rejects, and an invalid subscription, which throws in
      // `subscription.service.ts` L84-87 and loses the whole update: the generic message (L1218-1235).
      case 'unparseable':
      case 'invalid-subscriptions':
        socket.send(buildConnectionError(CloudText.ERROR_PROCESSING_MESSAGE));
        return;
      // Checks of the dev cloud's own, in spring's form.
      case 'invalid':
        socket.send(buildConnectionError(problem.detail));
        return;
      case 'not-initialised':
        socket.send(buildConnectionError(`send ${TpaToCloudMessageType.CONNECTION_INIT} before ${problem.messageType}`));
        return;
    }
  },

  // As at 5850d8ae: `close(1000, 'App stopped by user')` first (`websocket.service.ts` L1002-1004 there), then
  // the `stop_request` webhook (`stopAppSession` L575-589 there). At 75f9793f the webhook was commented out
  // (L542-559): the dev cloud sends it, as every later spring build did.
  async stopApp({ socket, sendStopRequest }) {
    await socket?.close(CloseCode.NORMAL, CloseReason.APP_STOPPED);
    await sendStopRequest();
  },

  // `close(1001, 'User session ended')`, no webhook (`services/core/session.service.ts` L339-344).
  async endUserSession(socket) {
    await socket.close(CloseCode.GOING_AWAY, CloseReason.USER_SESSION_ENDED);
  },
};
