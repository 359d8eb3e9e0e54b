import { CLOUD_WEBHOOK_TIMEOUT_MS, DEFAULT_MAX_MESSAGE_BYTES, type CloudDialect } from '@tpa/sdk/protocol';
import { silentLogger, type Logger } from '@tpa/sdk/logging';
import type { AppRegistration } from './apps/app-registry.js';
import { DEFAULT_DIALECT, DIALECT_NAMES, DIALECTS, isDialectName, type Dialect } from './dialects/index.js';
import { InvalidRequestError } from './errors.js';
import type { TerminalWriter } from './display/terminal-view.js';
import { DEFAULT_HISTORY_LIMIT, DISPLAY_THROTTLE_MS } from './display/user-display.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/json-io.js';
import { LIVE_PING_INTERVAL_MS } from './http/live-events.js';
import { WEBHOOK_RETRY_DELAY_MS } from './outbound/webhook-sender.js';

/** How to run a dev cloud. Every field is optional; the defaults are those of the real cloud of `dialect`. */
export interface DevCloudOptions {
  /**
   * Which real cloud to imitate: `'later'` (the default: `/app-ws`, what `@mentra/sdk` 2.x meets) or
   * `'spring'` (the spring 2025 cloud: `/tpa-ws`, `@augmentos/sdk` 1.1.x). The README has a table of
   * what differs.
   */
  readonly dialect?: CloudDialect;
  /** Port to listen on; 0 (the default) lets the OS choose. */
  readonly port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Apps to register at start. */
  readonly apps?: readonly AppRegistration[];
  /** When set, webhooks carry an HMAC signature (`x-tpa-signature`, `x-tpa-timestamp`). */
  readonly webhookSecret?: string;
  /** Protocol ping interval. Default: the dialect's (spring 15 s, later 10 s). */
  readonly pingIntervalMs?: number;
  /** An app socket silent this long is terminated. Default: the dialect's (spring 45 s, later never). */
  readonly silenceTimeoutMs?: number;
  /**
   * How long a dialect that restarts apps (later) waits for a closed app socket to come back
   * before it restarts the app. Default 5 s. Spring never restarts.
   */
  readonly restartGraceMs?: number;
  /** How long a webhook may take before it counts as failed (then one retry). Default 10 s. */
  readonly webhookTimeoutMs?: number;
  /** Pause before the webhook retry. Default 1 s. */
  readonly webhookRetryDelayMs?: number;
  /** A socket that sends no valid `tpa_connection_init` within this time is closed. Default: the webhook timeout. */
  readonly initTimeoutMs?: number;
  /** Largest app message; a larger one gets a `connection_error`. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** Largest control API request body; a larger one gets a 413. Default 256 KiB. */
  readonly maxBodyBytes?: number;
  /** The per-app throttle of the main view. Default 300 ms. */
  readonly displayThrottleMs?: number;
  /** How many past displays each user's history keeps. Default 200. */
  readonly historyLimit?: number;
  /** How often idle `/api/live` streams get a `: ping`. Default 15 s. */
  readonly livePingIntervalMs?: number;
  /** Where the cloud logs. Default: nowhere. */
  readonly logger?: Logger;
  /** Draw every display change as a box in the terminal. Default off (the CLI turns it on). */
  readonly terminal?: boolean;
  /** Where the terminal view writes. Default `process.stdout`. */
  readonly terminalWriter?: TerminalWriter;
}

type WithDefaults = Omit<DevCloudOptions, 'dialect' | 'webhookSecret' | 'apps' | 'silenceTimeoutMs' | 'restartGraceMs'>;

export type ResolvedOptions = Required<WithDefaults> & {
  readonly dialect: Dialect;
  readonly webhookSecret: string | undefined;
  readonly apps: readonly AppRegistration[];
  /** `null`: silent sockets are never terminated. */
  readonly silenceTimeoutMs: number | null;
  /** `null`: closed apps are never restarted. */
  readonly restartGraceMs: number | null;
};

function dialectOf(name: string | undefined): Dialect {
  const chosen = name ?? DEFAULT_DIALECT;
  if (!isDialectName(chosen)) throw new InvalidRequestError(`dialect "${chosen}" is not one of ${DIALECT_NAMES.join(', ')}`);
  return DIALECTS[chosen];
}

export function resolveOptions(options: DevCloudOptions): ResolvedOptions {
  const webhookTimeoutMs = options.webhookTimeoutMs ?? CLOUD_WEBHOOK_TIMEOUT_MS;
  const dialect = dialectOf(options.dialect);
  return {
    dialect,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    apps: options.apps ?? [],
    webhookSecret: options.webhookSecret,
    pingIntervalMs: options.pingIntervalMs ?? dialect.pingIntervalMs,
    silenceTimeoutMs: options.silenceTimeoutMs ?? dialect.silenceTimeoutMs,
    restartGraceMs: dialect.restartGraceMs === null ? null : (options.restartGraceMs ?? dialect.restartGraceMs),
    webhookTimeoutMs,
    webhookRetryDelayMs: options.webhookRetryDelayMs ?? WEBHOOK_RETRY_DELAY_MS,
    initTimeoutMs: options.initTimeoutMs ?? webhookTimeoutMs,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    displayThrottleMs: options.displayThrottleMs ?? DISPLAY_THROTTLE_MS,
    historyLimit: options.historyLimit ?? DEFAULT_HISTORY_LIMIT,
    livePingIntervalMs: options.livePingIntervalMs ?? LIVE_PING_INTERVAL_MS,
    logger: options.logger ?? silentLogger,
    terminal: options.terminal ?? false,
    terminalWriter: options.terminalWriter ?? ((text: string) => process.stdout.write(text)),
  };
}
