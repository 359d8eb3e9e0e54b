import type { TpaSession } from '../session/index.js';
import type { WebhookOutcome } from './webhook-outcomes.js';
import { timestampToDate, type StopReason, type WireTimestamp } from '../protocol/index.js';

export interface RegisteredSession {
  readonly session: TpaSession;
  readonly sessionId: string;
  readonly userId: string;
  readonly startedAt: number;
  /** The `timestamp` of the session_request that started it: a retry of that request carries the same one. */
  readonly requestTimestamp: WireTimestamp;
  /** The answer to that request while it is in flight, shared with a retry; `undefined` once answered. */
  outcome: Promise<WebhookOutcome> | undefined;
  /** The reason of the stop_request that is ending it, when one is. */
  stopReason: StopReason | undefined;
  /** Settles once `onStop` has run for it (it runs at most once, when the user or the cloud stopped it). */
  stopped: Promise<void> | undefined;
}

/**
 * Whether a webhook dated `timestamp` was sent before the session_request that started `entry`:
 * a replay, or a delivery overtaken by a newer one. A date that does not read is never older.
 */
export function predates(timestamp: WireTimestamp, entry: RegisteredSession): boolean {
  return timestampToDate(timestamp).getTime() < timestampToDate(entry.requestTimestamp).getTime();
}

/**
 * The server's current session of each id: a lookup and nothing more. The server owns its
 * sessions through its scope; a session leaves this lookup when its ending starts (or when a newer
 * one with its id takes its place). Removal checks the session, since the same id comes back when a
 * user restarts the app.
 */
export class SessionRegistry {
  readonly #byId = new Map<string, RegisteredSession>();

  get size(): number {
    return this.#byId.size;
  }

  get(sessionId: string): RegisteredSession | undefined {
    return this.#byId.get(sessionId);
  }

  /** Makes `entry` the current session of its id. */
  set(entry: RegisteredSession): void {
    this.#byId.set(entry.sessionId, entry);
  }

  /** Removes the entry of `session` if it is still the current one of its id. */
  remove(sessionId: string, session: TpaSession): boolean {
    if (this.#byId.get(sessionId)?.session !== session) return false;
    return this.#byId.delete(sessionId);
  }

  /** Sessions of one user. */
  ofUser(userId: string): RegisteredSession[] {
    return [...this.#byId.values()].filter((entry) => entry.userId === userId);
  }

  values(): IterableIterator<RegisteredSession> {
    return this.#byId.values();
  }
}
