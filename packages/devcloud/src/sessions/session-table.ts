import type { CloudSession, SessionInfo } from './cloud-session.js';

/** The sessions that are meant to run, by id. Tells `onChange` about every change. */
export class SessionTable {
  private readonly sessions = new Map<string, CloudSession>();
  private readonly onChange: () => void;

  constructor(onChange: () => void) {
    this.onChange = onChange;
  }

  get(sessionId: string): CloudSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** Whether `session` is still the one the table holds under its id (not replaced, not ended). */
  isCurrent(session: CloudSession): boolean {
    return this.sessions.get(session.sessionId) === session;
  }

  add(session: CloudSession): void {
    this.sessions.set(session.sessionId, session);
    this.onChange();
  }

  /** Removes `session` if it is still the current one under its id; a newer one is left alone. */
  remove(session: CloudSession): void {
    if (!this.isCurrent(session)) return;
    this.sessions.delete(session.sessionId);
    this.onChange();
  }

  /** Call after changing a session in place (state, socket, subscriptions). */
  changed(): void {
    this.onChange();
  }

  forUser(userId: string): CloudSession[] {
    return [...this.sessions.values()].filter((session) => session.userId === userId);
  }

  all(): CloudSession[] {
    return [...this.sessions.values()];
  }

  list(): SessionInfo[] {
    return this.all().map((session) => session.info());
  }
}
