/** WebSocket paths and HTTP routes of the protocol. */
export const TPA_WEBSOCKET_PATH = '/tpa-ws';
export const GLASSES_WEBSOCKET_PATH = '/glasses-ws';
export const WEBHOOK_PATH = '/webhook';
export const HEALTH_PATH = '/health';
export const TPA_CONFIG_PATH = '/tpa_config.json';
export const SETTINGS_PATH = '/settings';

/** The public cloud's socket URL, the SDK's default. */
export const DEFAULT_CLOUD_WEBSOCKET_URL = 'wss://prod.augmentos.cloud/tpa-ws';

/** Close codes the cloud uses, and the reasons it gives with them. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
} as const;

export const CloseReason = {
  /** Spring: the user stopped the app (`websocket.service.ts` L973 at 75f9793f). */
  APP_STOPPED: 'App stopped by user',
  /** Later: the user stopped the app, after an `app_stopped` with no reason (`AppManager.ts` L611-618 at c1f57fc3). */
  APP_STOPPED_LATER: 'App stopped',
  /**
   * The user's whole session ended: spring closes with 1001 (`session.service.ts` L342 at
   * 75f9793f), later with 1000 (`AppManager.ts` L1133-1140 at c1f57fc3).
   */
  USER_SESSION_ENDED: 'User session ended',
  NO_ACTIVE_SESSION: 'No active session',
  INVALID_API_KEY: 'Invalid API key',
} as const;

/** Whether a close reason says the user stopped the app (either dialect). */
export function isUserStop(reason: string): boolean {
  return reason === CloseReason.APP_STOPPED || reason === CloseReason.APP_STOPPED_LATER;
}

/**
 * Whether a close means "this session is over" (no reconnect), as opposed to a lost connection:
 * 1000 and 1008 whatever the reason, a user's stop, and 1001 `User session ended` (a plain 1001,
 * a cloud going away for a restart, is a loss to reconnect from).
 */
export function isFinalClose(code: number, reason: string): boolean {
  return (
    code === CloseCode.NORMAL ||
    code === CloseCode.POLICY_VIOLATION ||
    isUserStop(reason) ||
    (code === CloseCode.GOING_AWAY && reason === CloseReason.USER_SESSION_ENDED)
  );
}

/** How often the spring 2025 cloud pinged, and after how much silence it terminated a socket. */
export const CLOUD_PING_INTERVAL_MS = 15_000;
export const CLOUD_SILENCE_TIMEOUT_MS = 45_000;

/** How long the real cloud waits for a webhook answer before it retries once. */
export const CLOUD_WEBHOOK_TIMEOUT_MS = 10_000;
