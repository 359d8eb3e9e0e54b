import type { AppSetting, CloudDialect, ConnectionAckExtras, SettingValue, SubscriptionUpdate, WireSetting } from '@tpa/sdk/protocol';

/** One app socket, as a dialect's behaviour drives it. */
export interface AppSocketActions {
  /** Sends a message as JSON; false when nothing was sent. */
  send(message: object): boolean;
  /** Closes the socket; resolves once it is closed. Throws, like `ws`, for a reason over 123 bytes. */
  close(code: number, reason?: string): Promise<void>;
}

/** Why the cloud refuses a `tpa_connection_init`. */
export type InitRefusal = 'invalid-session-id' | 'no-user-session' | 'invalid-api-key' | 'app-not-started';

/** An app message the cloud cannot use. */
export type AppMessageProblem =
  /** Not JSON (or not UTF-8): the real clouds' `JSON.parse` threw. */
  | { readonly kind: 'unparseable'; readonly detail: string }
  /** JSON that is no valid message (a check of the dev cloud's own: wrong shape, too large, a second init). */
  | { readonly kind: 'invalid'; readonly detail: string }
  /** A subscription update with streams the cloud does not know; the whole update is refused. */
  | { readonly kind: 'invalid-subscriptions'; readonly invalid: readonly string[] }
  /** A message other than `tpa_connection_init` on a socket that has not identified itself. */
  | { readonly kind: 'not-initialised'; readonly messageType: string };

/** What a dialect needs to choose the settings of an ack. */
export interface AckSettingsSource {
  /** The settings the app declares in its `tpa_config.json` (no group headings). */
  readonly declared: readonly AppSetting[];
  /** The key/value pairs stored for this user and app, or `undefined` when none were ever stored. */
  readonly stored: readonly SettingValue[] | undefined;
  /** Stores key/value pairs for this user and app. */
  store(pairs: readonly SettingValue[]): void;
}

/** The fields an ack carries besides `type`, `sessionId`, `settings` and `timestamp`. */
export type AckExtras = ConnectionAckExtras;

/** What a stop needs: the app's socket, if it has one, and the `stop_request` webhook. */
export interface StopSteps {
  readonly socket: AppSocketActions | undefined;
  /** POSTs `stop_request` (`user_disabled`); failures are logged, never thrown. */
  readonly sendStopRequest: () => Promise<void>;
}

/**
 * Everything in which one generation of the real cloud behaves differently from the other. Each
 * entry imitates the real cloud and cites the source line it imitates; the dev cloud asks its
 * dialect instead of testing the dialect's name.
 */
export interface Dialect {
  readonly name: CloudDialect;
  /** For people: which cloud this imitates. */
  readonly description: string;
  /** The only app socket path it accepts; see {@link acceptsSocketUrl}. */
  readonly socketPath: string;
  /** Whether it upgrades a request for this URL (path and query, as in the request line) to an app socket. */
  acceptsSocketUrl(requestUrl: string): boolean;
  readonly pingIntervalMs: number;
  /** A socket silent this long is terminated; `null`: never. */
  readonly silenceTimeoutMs: number | null;
  /**
   * After an app socket closes that the cloud was not stopping: how long to wait for the app to
   * reconnect before restarting it (a `stop_request`, then a new `session_request`); `null`: never.
   */
  readonly restartGraceMs: number | null;
  /** Whether an `ownership_release` spares the app that restart (its session ends instead). */
  readonly honoursOwnershipRelease: boolean;
  /** The name of the notification dismissal stream. */
  readonly dismissalStream: string;
  /** The name under which an event of `stream` is routed and labelled. */
  eventStreamName(stream: string): string;
  /** The subscriptions of an update that this cloud refuses. */
  invalidSubscriptions(subscriptions: SubscriptionUpdate['subscriptions']): string[];
  /** The `settings` of an ack (may store the defaults, as spring did). */
  ackSettings(source: AckSettingsSource): WireSetting[];
  ackExtras(): AckExtras;
  refuseInit(socket: AppSocketActions, refusal: InitRefusal): void;
  reportProblem(socket: AppSocketActions, problem: AppMessageProblem): void;
  /** The user (or the cloud, to restart it) stops an app. */
  stopApp(steps: StopSteps): Promise<void>;
  /** The user's whole session ends: each of the user's app sockets. */
  endUserSession(socket: AppSocketActions): Promise<void>;
}
