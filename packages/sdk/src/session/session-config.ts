import type { Logger } from '../logging/index.js';
import type { AppSetting } from '../protocol/index.js';
import type { Scope, ScopeCloseReason } from '../resources/index.js';
import type { ReconnectOptions } from './reconnect-policy.js';
import type { TpaSession } from './tpa-session.js';

/**
 * Where a session is in its life; every public method acts by it.
 * - `idle`: made, `connect()` not called yet. Draws are queued.
 * - `connecting`: waiting for the socket and the cloud's ack. Draws are queued.
 * - `connected`: acknowledged; events are delivered and draws are sent.
 * - `reconnecting`: the connection was lost and the SDK is trying again; draws are queued (the
 *   newest of each view is sent once connected again), handlers and timers stay.
 * - `closing`: the ending has started, whatever started it; cleanups run now. Nothing is delivered
 *   or sent any more, draws say `ended`, new resources are released at once.
 * - `closed`: every cleanup has run and every handler is gone.
 */
export type SessionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closing' | 'closed';

/** Why a session ended; handed to every cleanup (`registerCleanup`, `scope.onClose`). */
export type SessionEndKind =
  | 'disconnected'
  | 'stopped_by_user'
  | 'cloud_closed'
  | 'connection_lost'
  | 'connect_failed'
  | 'server_shutdown'
  | 'replaced'
  | 'error';

export interface SessionEndReason extends ScopeCloseReason {
  readonly kind: SessionEndKind;
  /** The socket's close code, when a close of the cloud ended the session. */
  readonly closeCode?: number;
  readonly closeReason?: string;
}

export interface TpaSessionConfig {
  readonly packageName: string;
  readonly apiKey: string;
  /** The cloud's socket URL. Default: the public cloud. */
  readonly augmentOSWebsocketUrl?: string;
  /**
   * The session id, for an owner that knows it before `connect()` (a server does, from the
   * webhook); `connect()` must then be given the same one.
   */
  readonly sessionId?: string;
  /** The user; derived from the session id when omitted. */
  readonly userId?: string;
  /**
   * The settings the app declares (its `tpa_config.json`): their types check the cloud's values,
   * and their defaults stand where the cloud sent none. A server passes its own.
   */
  readonly declaredSettings?: readonly AppSetting[];
  /** Default: silent. The API key is never logged. */
  readonly logger?: Logger;
  /** How long `connect` waits for the ack. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Silence (no message, no ping) after which a connection counts as lost. Default 60 s; 0 disables. */
  readonly watchdogTimeoutMs?: number;
  /** Reconnection after an abnormal close; `false` ends the session at the first loss. */
  readonly reconnect?: ReconnectOptions | false;
  /** How long one async cleanup may take. Default 5 s. */
  readonly cleanupTimeoutMs?: number;
  /** How long `disconnect` waits for the cloud's close frame. Default 2 s. */
  readonly closeTimeoutMs?: number;
  /**
   * When more than this many bytes wait in the socket (the cloud stopped reading it), displays are
   * held back (the newest of each view is kept, and sent once it drains) and one `SEND_BLOCKED`
   * error event says so. Default 1 MiB.
   */
  readonly sendBufferLimitBytes?: number;
  /** A socket that stays blocked this long counts as lost (the session reconnects). Default 30 s. */
  readonly sendBlockedTimeoutMs?: number;
  /** Text frames larger than this are refused with an error event. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * A scope that owns this session: closing it ends the session and waits until it has closed. A
   * session that ends first leaves it once it has fully closed.
   */
  readonly parentScope?: Scope;
  /**
   * Called synchronously when the session starts ending, before its cleanups run: the place for an
   * owner to stop handing the session out (a server removes it from its lookup by id here).
   */
  readonly onEnd?: (session: TpaSession, reason: SessionEndReason) => void;
}

export const SESSION_DEFAULTS = {
  connectTimeoutMs: 10_000,
  watchdogTimeoutMs: 60_000,
  cleanupTimeoutMs: 5_000,
  closeTimeoutMs: 2_000,
  sendBufferLimitBytes: 1024 * 1024,
  sendBlockedTimeoutMs: 30_000,
};

