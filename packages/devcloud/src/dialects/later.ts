import {
  APP_WEBSOCKET_PATH,
  CloseCode,
  CloseReason,
  LATER_CLOUD_PING_INTERVAL_MS,
  PHONE_NOTIFICATION_DISMISSED,
  buildAppStopped,
  buildTpaConnectionError,
  invalidSubscriptions,
  streamNameFor,
  type WireSetting,
} from '@tpa/sdk/protocol';
import { fitsCloseFrame } from '../sessions/close-frame.js';
import { AppErrorCode, CloudText } from './cloud-wire.js';
import type { AckExtras, AckSettingsSource, AppMessageProblem, AppSocketActions, Dialect, InitRefusal } from './dialect.js';

// The later cloud: Mentra-Community/MentraOS at c1f57fc3 (2025-06-27, `@mentra/sdk` 2.0.1), with
// the stream names and `ownership_release` of the `@mentra/sdk` 2.1.29 era (F@344f6fa4,
// Future-Outlier/smart-glass-OS-system-AugmentOS). Paths below are under
// `augmentos_cloud/packages/cloud/src/` at c1f57fc3 unless a line says otherwise.

/** The user's system settings when they saved none (`services/session/AppManager.ts` L35-46). */
const DEFAULT_AUGMENTOS_SETTINGS = {
  useOnboardMic: false,
  contextualDashboard: true,
  headUpAngle: 20,
  brightness: 50,
  autoBrightness: false,
  sensingEnabled: true,
  alwaysOnStatusBar: false,
  bypassVad: false,
  bypassAudioEncoding: false,
  metricSystemEnabled: false,
} as const;

/**
 * The emulated glasses: the cloud's Even Realities G1 profile (`config/capabilities/even-realities-g1.ts`
 * L13-63), of the shape `sdk/types/capabilities.ts` L70-105.
 */
const EMULATED_GLASSES_CAPABILITIES = {
  modelName: 'Even Realities G1',
  hasCamera: false,
  camera: null,
  hasScreen: true,
  screen: {
    count: 2,
    isColor: false,
    color: 'green',
    canDisplayBitmap: false,
    resolution: { width: 640, height: 200 },
    fieldOfView: { horizontal: 25 },
    maxTextLines: 5,
    adjustBrightness: true,
  },
  hasMicrophone: true,
  microphone: { count: 1, hasVAD: false },
  hasSpeaker: false,
  speaker: null,
  hasIMU: false,
  imu: null,
  hasButton: false,
  button: null,
  hasLight: false,
  light: null,
  power: { hasExternalBattery: false },
  hasWifi: false,
} as const;

/**
 * `tpa_connection_error {code, message, timestamp}`, then `close(1008, message)`; a message too long
 * for a close frame makes `ws.close` throw, and the cloud closes with 1011 instead
 * (`services/websocket/websocket-app.service.ts` L410-430).
 */
function sendError(socket: AppSocketActions, code: string, message: string): void {
  socket.send(buildTpaConnectionError(message, code));
  if (fitsCloseFrame(message)) void socket.close(CloseCode.POLICY_VIOLATION, message);
  else void socket.close(CloseCode.INTERNAL_ERROR, CloudText.INTERNAL_SERVER_ERROR);
}

export const laterDialect: Dialect = {
  name: 'later',
  description: 'the later cloud (c1f57fc3 and the @mentra/sdk 2.1.x era)',
  // Only `/app-ws` from 1b579178; any other upgrade is destroyed (`services/websocket/websocket.service.ts` L161, L248-252).
  socketPath: APP_WEBSOCKET_PATH,
  acceptsSocketUrl: (requestUrl) => URL.canParse(requestUrl, 'http://cloud') && new URL(requestUrl, 'http://cloud').pathname === APP_WEBSOCKET_PATH,
  // A ping every 10 s; the pong is only logged, and no silent socket is terminated (`AppManager.ts` L129-161).
  pingIntervalMs: LATER_CLOUD_PING_INTERVAL_MS,
  silenceTimeoutMs: null,
  // Any close the cloud did not start (state STOPPING) waits 5 s for a reconnect, then the app is
  // stopped and started again (`handleAppConnectionClosed`, `AppManager.ts` L940-1011: STOPPING L954-957,
  // 1000/1001 not exempt L959-971, timer L989-1005).
  restartGraceMs: 5000,
  // Honoured from 0d673636e (2025-12-12): the next close makes the app dormant, not restarted
  // (F@344f6fa4 `app-message-handler.ts` L149; F@f27d4828 `AppSession.ts` L395-402, `AppManager.ts` L1541-1562).
  honoursOwnershipRelease: true,
  // Renamed in 2ab870a5a (2025-07-14); `@mentra/sdk` 2.1.29 subscribes only this name.
  dismissalStream: PHONE_NOTIFICATION_DISMISSED,
  eventStreamName: (stream) => streamNameFor(stream, 'later'),
  invalidSubscriptions,

  // `user.getAppSettings(pkg) || app?.settings || []` (`AppManager.ts` L740-742): the stored pairs once the
  // user saved, else the declared shape (the developer console's record, here the app's tpa_config.json),
  // which carries no value. Nothing is stored on connect.
  ackSettings({ declared, stored }: AckSettingsSource): WireSetting[] {
    if (stored !== undefined) return [...stored];
    return declared.map(({ value: _value, ...declaredShape }) => declaredShape);
  },

  // `augmentosSettings` (the defaults until the user saves some) and the glasses' `capabilities` (`AppManager.ts` L744-755).
  ackExtras: (): AckExtras => ({ augmentosSettings: DEFAULT_AUGMENTOS_SETTINGS, capabilities: EMULATED_GLASSES_CAPABILITIES }),

  refuseInit(socket: AppSocketActions, refusal: InitRefusal): void {
    switch (refusal) {
      // No message, only the close (`websocket-app.service.ts` L139-145).
      case 'invalid-session-id':
        void socket.close(CloseCode.POLICY_VIOLATION, CloudText.INVALID_SESSION_ID_FORMAT);
        return;
      case 'no-user-session':
        sendError(socket, AppErrorCode.SESSION_NOT_FOUND, CloudText.SESSION_NOT_FOUND);
        return;
      // `AppManager.ts` L672-687.
      case 'invalid-api-key':
        sendError(socket, AppErrorCode.INVALID_API_KEY, CloseReason.INVALID_API_KEY);
        return;
      // `AppManager.ts` L696-713.
      case 'app-not-started':
        sendError(socket, AppErrorCode.APP_NOT_STARTED, CloudText.APP_NOT_STARTED);
        return;
    }
  },

  reportProblem(socket: AppSocketActions, problem: AppMessageProblem): void {
    switch (problem.kind) {
      // `JSON.parse` threw: `close(1011, 'Internal server error')`, no message (`websocket-app.service.ts` L130-133, L167-172).
      case 'unparseable':
        void socket.close(CloseCode.INTERNAL_ERROR, CloudText.INTERNAL_SERVER_ERROR);
        return;
      // The first unknown stream, its error wrapped once more (`services/session/subscription.service.ts` L199,
      // `websocket-app.service.ts` L290-302): `Invalid subscription type: Invalid subscription type: <stream>`.
      case 'invalid-subscriptions': {
        const thrown = `${CloudText.INVALID_SUBSCRIPTION_TYPE}: ${problem.invalid[0] ?? ''}`;
        sendError(socket, AppErrorCode.MALFORMED_MESSAGE, `${CloudText.INVALID_SUBSCRIPTION_TYPE}: ${thrown}`);
        return;
      }
      // Checks of the dev cloud's own, in the later cloud's form.
      case 'invalid':
        sendError(socket, AppErrorCode.MALFORMED_MESSAGE, problem.detail);
        return;
      // Before an init there is no user session for the socket (`websocket-app.service.ts` L156-162).
      case 'not-initialised':
        sendError(socket, AppErrorCode.SESSION_NOT_FOUND, CloudText.SESSION_NOT_FOUND);
        return;
    }
  },

  // The `stop_request` webhook first, awaited (`AppManager.ts` L588-594), then `app_stopped` with no
  // reason and `close(1000, 'App stopped')` (L606-618).
  async stopApp({ socket, sendStopRequest }) {
    await sendStopRequest();
    socket?.send(buildAppStopped());
    await socket?.close(CloseCode.NORMAL, CloseReason.APP_STOPPED_LATER);
  },

  // `app_stopped`, then `close(1000, 'User session ended')`, no webhook (`AppManager.ts` L1127-1140).
  async endUserSession(socket) {
    socket.send(buildAppStopped());
    await socket.close(CloseCode.NORMAL, CloseReason.USER_SESSION_ENDED);
  },
};
