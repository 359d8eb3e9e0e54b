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
  APP_STOPPED: 'App stopped by user',
  NO_ACTIVE_SESSION: 'No active session',
  INVALID_API_KEY: 'Invalid API key',
} as const;

/** Whether a close means "this session is over" (no reconnect), as opposed to a lost connection. */
export function isFinalClose(code: number, reason: string): boolean {
  return code === CloseCode.NORMAL || code === CloseCode.POLICY_VIOLATION || reason === CloseReason.APP_STOPPED;
}

/** How often the spring 2025 cloud pinged, and after how much silence it terminated a socket. */
export const CLOUD_PING_INTERVAL_MS = 15_000;
export const CLOUD_SILENCE_TIMEOUT_MS = 45_000;

/** How long the real cloud waits for a webhook answer before it retries once. */
export const CLOUD_WEBHOOK_TIMEOUT_MS = 10_000;
