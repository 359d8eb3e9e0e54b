import { OpenScopeRegistry, setScopeTracker } from '../resources/index.js';

/**
 * Tracks every scope (and so every session) opened while it is installed. Call `assertNoLeaks()`
 * at the end of a test to fail it if any is still open.
 *
 * @example
 * ```ts
 * let leaks: LeakCheck;
 * beforeEach(() => { leaks = installLeakCheck(); });
 * afterEach(() => leaks.uninstallAndAssert());
 * ```
 */
export class LeakCheck {
  readonly #registry = new OpenScopeRegistry();
  readonly #previous = setScopeTracker(this.#registry);

  /** The scopes open now, with where they were created. */
  openScopes(): ReturnType<OpenScopeRegistry['openScopes']> {
    return this.#registry.openScopes();
  }

  assertNoLeaks(): void {
    const open = this.#registry.openScopes();
    if (open.length === 0) return;
    const list = open.map((scope) => `- ${scope.name}\n${scope.createdAt.split('\n').slice(2, 6).join('\n')}`).join('\n');
    throw new Error(`${open.length} scope(s) still open:\n${list}`);
  }

  /** Removes the tracker, then asserts. */
  uninstallAndAssert(): void {
    setScopeTracker(this.#previous);
    this.assertNoLeaks();
  }
}

export function installLeakCheck(): LeakCheck {
  return new LeakCheck();
}

/**
 * Resolves `true` once `ref`'s target was garbage-collected (needs `--expose-gc`), `false` if it
 * is still alive after `attempts` collections `intervalMs` apart (a session that just ended may
 * still be finishing its socket's close handshake).
 */
export async function isCollected(ref: WeakRef<object>, attempts = 40, intervalMs = 10): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('isCollected needs node --expose-gc');
  for (let attempt = 0; attempt < attempts; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, attempt === 0 ? 0 : intervalMs));
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}
