import type { Logger } from '../logging/index.js';
import type { Scope, ScopeCloseReason } from '../resources/index.js';
import type { ReconnectOptions } from './reconnect-policy.js';
import type { TpaSession } from './tpa-session.js';

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
}

export interface TpaSessionConfig {
  readonly packageName: string;
  readonly apiKey: string;
  /** The cloud's socket URL. Default: the public cloud. */
  readonly augmentOSWebsocketUrl?: string;
  /** The user; derived from the session id when omitted. */
  readonly userId?: string;
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
  /** Text frames larger than this are refused with an error event. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** A scope that owns this session: closing it ends the session. */
  readonly parentScope?: Scope;
  /**
   * Called synchronously when the session starts ending, before its cleanups run: the place for an
   * owner to stop handing the session out (a server removes it from its registry here).
   */
  readonly onEnd?: (session: TpaSession, reason: SessionEndReason) => void;
}

export const SESSION_DEFAULTS = {
  connectTimeoutMs: 10_000,
  watchdogTimeoutMs: 60_000,
  cleanupTimeoutMs: 5_000,
  closeTimeoutMs: 2_000,
};

