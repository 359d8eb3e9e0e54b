/** WebSocket paths and HTTP routes of the protocol. */
/** The spring cloud's app socket path, the only one it accepts (`websocket.service.ts` L673-683 at 75f9793f). */
export const TPA_WEBSOCKET_PATH = '/tpa-ws';
/** The later cloud's app socket path, the only one it accepts from 1b579178 (`websocket/websocket.service.ts` L161, L244-251 at c1f57fc3). */
export const APP_WEBSOCKET_PATH = '/app-ws';

/** Which generation of the cloud a socket URL belongs to: `/app-ws` is the later cloud's, anything else the spring one's. */
export type CloudDialect = 'spring' | 'later';

export function dialectOfUrl(url: string): CloudDialect {
  try {
    return new URL(url).pathname.endsWith(APP_WEBSOCKET_PATH) ? 'later' : 'spring';
  } catch {
    return 'spring';
  }
}
export const GLASSES_WEBSOCKET_PATH = '/glasses-ws';
export const WEBHOOK_PATH = '/webhook';
export const HEALTH_PATH = '/health';
export const TPA_CONFIG_PATH = '/tpa_config.json';
export const SETTINGS_PATH = '/settings';

/**
 * The SDK's default cloud socket URL, used only when a webhook names none (every real webhook
 * does): the production cloud that the phone app uses by default (`api.mentra.glass`,
 * `BackendServerComms.tsx` L37 at c1f57fc3; ingress `cloud/k8s/ws-ingress-*.yaml`).
 */
export const DEFAULT_CLOUD_WEBSOCKET_URL = 'wss://api.mentra.glass/app-ws';

/**
 * The registrable domains of the real cloud's deployments (PROTOCOL.md §11 W3; the hosts of the
 * deployment configs, e.g. `api.mentra.glass`, `prod.augmentos.cloud`, `staging.augmentos.org`,
 * `uswestapi.mentraglass.com`). A session_request naming a `wss://` URL on one of them, or on a
 * subdomain, is trusted by default.
 */
export const REAL_CLOUD_DOMAINS: readonly string[] = ['mentra.glass', 'mentraglass.com', 'augmentos.cloud', 'augmentos.org'];

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
  /** Later: a frame it cannot parse, or a close reason too long to send (`websocket-app.service.ts` L167-172, L424-425 at c1f57fc3). */
  INTERNAL_SERVER_ERROR: 'Internal server error',
  /** Later: an init naming a user with no session (`websocket-app.service.ts` L147-151), or a message before init. */
  SESSION_NOT_FOUND: 'Session not found',
  /** Later: a session id with no `-` (`websocket-app.service.ts` L139-145). */
  INVALID_SESSION_ID_FORMAT: 'Invalid session ID format',
  /** Later: an app neither loading nor running for that user (`AppManager.ts` L696-713). */
  APP_NOT_STARTED: 'App not started for this session',
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

/**
 * How often the spring 2025 cloud pinged, and after how much silence it terminated a socket
 * (`health-monitor.service.ts` L24-25 at 75f9793f).
 */
export const CLOUD_PING_INTERVAL_MS = 15_000;
export const CLOUD_SILENCE_TIMEOUT_MS = 45_000;
/** The later cloud pings every 10 s and terminates no silent socket (`AppManager.ts` L129-161 at c1f57fc3). */
export const LATER_CLOUD_PING_INTERVAL_MS = 10_000;

/** How long the real cloud waits for a webhook answer before it retries once. */
export const CLOUD_WEBHOOK_TIMEOUT_MS = 10_000;
