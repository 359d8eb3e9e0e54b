import type { Logger } from '../logging/index.js';
import type { TpaConfig } from '../protocol/index.js';
import type { TpaSessionConfig } from '../session/index.js';

export interface TpaServerConfig {
  readonly packageName: string;
  readonly apiKey: string;
  /** Default 7010; 0 picks a free port. A numeric string (from the environment) is read as its number. */
  readonly port?: number | string;
  /** The interface to listen on. Default: every interface (Node's default). */
  readonly host?: string;
  /** The cloud's socket URL, used when a session_request names none. Default: the public cloud. */
  readonly augmentOSWebsocketUrl?: string;
  /** Serve this folder statically (and its `tpa_config.json` unless `tpaConfig` is given). */
  readonly publicDir?: string | false;
  /** Where the cloud posts webhooks. Default `/webhook` (`@mentra/sdk` 2.x's `webhookPath`). */
  readonly webhookPath?: string;
  /** Accepted from `@mentra/sdk` 2.x configs, where it named the cloud's HTTP API; not used. */
  readonly cloudApiUrl?: string;
  /** Accepted from `@mentra/sdk` 2.x configs (instructions shown to the user); not used. */
  readonly appInstructions?: string;
  /** Served at `GET /tpa_config.json`; validated when the server is made. */
  readonly tpaConfig?: TpaConfig;
  /** Serve `GET /health`. Default true. */
  readonly healthCheck?: boolean;
  /** Default: silent. */
  readonly logger?: Logger;
  /**
   * Socket URLs (their origins) that a session_request may name besides the configured cloud's.
   * A request naming any other is refused with 403 before any connection, so the API key never
   * reaches it. Loopback is trusted when the configured cloud is on loopback.
   */
  readonly trustedWebsocketUrls?: readonly string[];
  /**
   * Trust the real cloud's deployments (`wss://` on `mentra.glass`, `mentraglass.com`,
   * `augmentos.cloud`, `augmentos.org` and their subdomains), so that a webhook of any real cloud
   * deployment is never refused. Default true; false trusts only the configured cloud and
   * `trustedWebsocketUrls`.
   */
  readonly trustRealCloud?: boolean;
  /**
   * When set, webhooks (and `POST /settings`) must carry a valid HMAC signature, else 401. Each
   * signature is taken once: a repeat within the replay window is refused with 401.
   */
  readonly webhookSecret?: string;
  /** How old a signature may be. Default 5 minutes. One dated more than 30 s ahead is refused. */
  readonly signatureToleranceMs?: number;
  /**
   * Signs and checks the cookies of your own routes (`req.signedCookies`). Default: the real SDK's
   * (`AOS_<packageName>_<first 8 characters of the API key>`), so cookies it signed still verify.
   */
  readonly cookieSecret?: string;
  /**
   * Largest request body (the SDK's routes and the JSON bodies of your own). Default 100 KiB. On the
   * SDK's routes a longer declared body is refused with 413 before it is read, one with no declared
   * length as soon as it passes the limit, and the connection is closed.
   */
  readonly maxBodyBytes?: number;
  /**
   * How long a request's head may take to arrive (from the connection, or from the previous
   * request); then 408 and the connection closes. Default 10 s; 0 for none.
   */
  readonly headersTimeoutMs?: number;
  /** How long a whole request (head and body) may take to arrive; then 408. Default 30 s; 0 for none. */
  readonly requestTimeoutMs?: number;
  /**
   * The most HTTP connections open at once; more are dropped as they connect (logged at most once a
   * minute). Default: no cap (Node's). A webhook server needs few; a cap such as 1,000 bounds what
   * idle connections can hold.
   */
  readonly maxConnections?: number;
  /**
   * Answer a session_request at most this long after it arrived, even if the session is still
   * connecting or `onSession` is still running (the real cloud gives up after 10 s and retries).
   * Default 5 s.
   */
  readonly webhookResponseTimeoutMs?: number;
  /** How long `stop()` waits for sessions and requests before it forces them. Default 10 s. */
  readonly shutdownTimeoutMs?: number;
  /** Options for every session (timeouts, reconnect, watchdog). */
  readonly session?: Omit<Partial<TpaSessionConfig>, 'packageName' | 'apiKey' | 'augmentOSWebsocketUrl' | 'sessionId' | 'userId' | 'parentScope' | 'onEnd'>;
}

export const SERVER_DEFAULTS = {
  port: 7010,
  healthCheck: true,
  maxBodyBytes: 100 * 1024,
  webhookResponseTimeoutMs: 5_000,
  shutdownTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
} as const;

/** Where a started server listens. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** `http://<host>:<port>`, with loopback written as 127.0.0.1 when listening on every interface. */
  readonly url: string;
}
