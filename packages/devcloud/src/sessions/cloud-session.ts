import { StartCancelledError } from '../errors.js';
import type { AppConnection } from './app-connection.js';

export type SessionState = 'starting' | 'active' | 'stopping';

/** A session as the control API shows it. */
export interface SessionInfo {
  readonly sessionId: string;
  readonly userId: string;
  readonly packageName: string;
  readonly state: SessionState;
  /** The streams the app subscribed to, in the form it used (`transcription:en-US`, `all`, ...). */
  readonly subscriptions: readonly string[];
  /** When its current socket was acked, or `null` while it has none. */
  readonly connectedAt: string | null;
}

/**
 * One run of one app for one user. The id repeats when the user starts the app again, so the
 * object, not the id, is the identity: whoever holds an old session can tell it is no longer
 * the one in the table.
 */
export class CloudSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly packageName: string;
  state: SessionState = 'starting';
  subscriptions: readonly string[] = [];
  /** The newest acked socket of the app; `undefined` while it is disconnected. */
  connection: AppConnection | undefined;
  connectedAt: Date | null = null;
  /** Cancels the session's pending webhooks and waits when it ends. */
  private readonly lifetime = new AbortController();
  /** Runs when the app has not reconnected in time after its socket closed (a dialect that restarts apps). */
  private reconnectDeadline: NodeJS.Timeout | undefined;
  /** Settles once: resolved by the first ack, rejected if the session ends before it. */
  readonly started: Promise<void>;
  private resolveStarted: () => void = () => undefined;
  private rejectStarted: (error: Error) => void = () => undefined;

  constructor(userId: string, packageName: string, sessionId: string) {
    this.userId = userId;
    this.packageName = packageName;
    this.sessionId = sessionId;
    this.started = new Promise<void>((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    // Nobody may be waiting for the start (a replaced session): its rejection is not an unhandled error.
    this.started.catch(() => undefined);
  }

  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  get ended(): boolean {
    return this.lifetime.signal.aborted;
  }

  /** The app's first socket was acked. */
  markActive(): void {
    if (this.state === 'starting') this.state = 'active';
    this.resolveStarted();
  }

  /** The session is over: pending webhooks and the reconnect deadline are cancelled and a start still waiting fails with `why`. */
  markEnded(why: string): void {
    if (this.ended) return;
    this.cancelReconnectDeadline();
    this.rejectStarted(new StartCancelledError(this.sessionId, why));
    this.lifetime.abort();
  }

  /** Calls `onMissed` unless the app reconnects ({@link cancelReconnectDeadline}) or the session ends within `ms`. */
  setReconnectDeadline(ms: number, onMissed: () => void): void {
    this.cancelReconnectDeadline();
    if (this.ended) return;
    this.reconnectDeadline = setTimeout(() => {
      this.reconnectDeadline = undefined;
      onMissed();
    }, ms);
  }

  cancelReconnectDeadline(): void {
    clearTimeout(this.reconnectDeadline);
    this.reconnectDeadline = undefined;
  }

  info(): SessionInfo {
    return {
      sessionId: this.sessionId,
      userId: this.userId,
      packageName: this.packageName,
      state: this.state,
      subscriptions: [...this.subscriptions],
      connectedAt: this.connectedAt ? this.connectedAt.toISOString() : null,
    };
  }
}
