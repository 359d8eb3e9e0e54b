/**
 * Pluggable tracking of scopes that were opened and not closed. Off by default (no cost); a test
 * suite installs a tracker and fails any test that leaves a scope open.
 */
export interface ScopeTracker {
  opened(scope: TrackedScope): void;
  closed(scope: TrackedScope): void;
}

export interface TrackedScope {
  readonly name: string;
}

let current: ScopeTracker | undefined;

/** Installs `tracker` (or removes the current one with `undefined`); returns the previous tracker. */
export function setScopeTracker(tracker: ScopeTracker | undefined): ScopeTracker | undefined {
  const previous = current;
  current = tracker;
  return previous;
}

export function scopeTracker(): ScopeTracker | undefined {
  return current;
}

/** A tracker that remembers every open scope and where it was created. */
export class OpenScopeRegistry implements ScopeTracker {
  readonly #open = new Map<TrackedScope, string>();

  opened(scope: TrackedScope): void {
    this.#open.set(scope, new Error('scope created here').stack ?? '');
  }

  closed(scope: TrackedScope): void {
    this.#open.delete(scope);
  }

  /** The scopes still open, with the stack of their creation. */
  openScopes(): Array<{ readonly name: string; readonly createdAt: string }> {
    return [...this.#open].map(([scope, createdAt]) => ({ name: scope.name, createdAt }));
  }

  clear(): void {
    this.#open.clear();
  }
}
