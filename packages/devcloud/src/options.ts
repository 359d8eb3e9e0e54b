import {
  CLOUD_PING_INTERVAL_MS,
  CLOUD_SILENCE_TIMEOUT_MS,
  CLOUD_WEBHOOK_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
} from '@tpa/sdk/protocol';
import { silentLogger, type Logger } from '@tpa/sdk/logging';
import type { AppRegistration } from './apps/app-registry.js';
import type { TerminalWriter } from './display/terminal-view.js';
import { DEFAULT_HISTORY_LIMIT, DISPLAY_THROTTLE_MS } from './display/user-display.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/json-io.js';
import { LIVE_PING_INTERVAL_MS } from './http/live-events.js';
import { WEBHOOK_RETRY_DELAY_MS } from './outbound/webhook-sender.js';

/** How to run a dev cloud. Every field is optional; the defaults are those of the real cloud. */
export interface DevCloudOptions {
  /** Port to listen on; 0 (the default) lets the OS choose. */
  readonly port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Apps to register at start. */
  readonly apps?: readonly AppRegistration[];
  /** When set, webhooks carry an HMAC signature (`x-tpa-signature`, `x-tpa-timestamp`). */
  readonly webhookSecret?: string;
  /** Protocol ping interval. Default 15 s. */
  readonly pingIntervalMs?: number;
  /** An app socket silent this long is terminated. Default 45 s. */
  readonly silenceTimeoutMs?: number;
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

export type ResolvedOptions = Required<Omit<DevCloudOptions, 'webhookSecret' | 'apps'>> & {
  readonly webhookSecret: string | undefined;
  readonly apps: readonly AppRegistration[];
};

export function resolveOptions(options: DevCloudOptions): ResolvedOptions {
  const webhookTimeoutMs = options.webhookTimeoutMs ?? CLOUD_WEBHOOK_TIMEOUT_MS;
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    apps: options.apps ?? [],
    webhookSecret: options.webhookSecret,
    pingIntervalMs: options.pingIntervalMs ?? CLOUD_PING_INTERVAL_MS,
    silenceTimeoutMs: options.silenceTimeoutMs ?? CLOUD_SILENCE_TIMEOUT_MS,
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
