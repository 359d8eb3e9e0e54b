import { AsyncLocalStorage } from 'node:async_hooks';
import type { TpaSession } from './tpa-session.js';

/**
 * The session whose code is running: set for everything a session does on its own behalf (its
 * connection's socket events, and so every handler; the server's `onSession`; the timers they
 * make), so that code deep inside an app can find the session it works for. Set by where things
 * are made, not per call: a socket and a timer carry the async context they were made in, so
 * dispatching an event costs nothing more.
 */
const current = new AsyncLocalStorage<TpaSession>();

/** The session whose code is running now, if any. */
export function currentSession(): TpaSession | undefined {
  return current.getStore();
}

/** Runs `fn` as code of `session`: what it starts, across `await`, belongs to that session. */
export function runInSession<T>(session: TpaSession, fn: () => T): T {
  return current.run(session, fn);
}
