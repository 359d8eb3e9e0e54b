import type { TpaSession } from '../session/index.js';

export interface RegisteredSession {
  readonly session: TpaSession;
  readonly sessionId: string;
  readonly userId: string;
  readonly startedAt: number;
  /** The `timestamp` of the session_request that started it: a retry of that request carries the same one. */
  readonly requestTimestamp: string | number;
}

/**
 * The server's live sessions by id. Identity rests on the session object, not the id: the same id
 * comes back when a user restarts the app, so removing an entry checks it is still the same session.
 */
export class SessionRegistry {
  readonly #byId = new Map<string, RegisteredSession>();

  get size(): number {
    return this.#byId.size;
  }

  get(sessionId: string): RegisteredSession | undefined {
    return this.#byId.get(sessionId);
  }

  add(entry: RegisteredSession): void {
    this.#byId.set(entry.sessionId, entry);
  }

  /** Removes the entry of `session` if it is still the one registered under its id. */
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
