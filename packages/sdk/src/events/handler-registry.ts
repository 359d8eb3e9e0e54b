import { toDisposable, type Disposer } from '../resources/index.js';

/** One registration: the same function registered twice is two registrations, each removed by its own disposer. */
export interface Registration<H> {
  readonly handler: H;
  /** Registration order: an event reaches only handlers registered before it was dispatched. */
  readonly order: number;
}

/** Handlers by key, in registration order; tells its owner when a key gains its first or loses its last handler. */
export class HandlerRegistry<H> {
  // Made on first use: most sessions use few of their registries, and a server holds thousands.
  #byKeyMap: Map<string, Set<Registration<H>>> | undefined;
  readonly #onKeysChanged: (() => void) | undefined;
  #registered = 0;

  constructor(onKeysChanged?: () => void) {
    this.#onKeysChanged = onKeysChanged;
  }

  get #byKey(): Map<string, Set<Registration<H>>> {
    this.#byKeyMap ??= new Map();
    return this.#byKeyMap;
  }

  /** Adds `handler` under `key`; the returned disposer removes it (once). */
  add(key: string, handler: H): Disposer {
    let registrations = this.#byKey.get(key);
    const isNewKey = registrations === undefined;
    if (!registrations) {
      registrations = new Set();
      this.#byKey.set(key, registrations);
    }
    const registration: Registration<H> = { handler, order: this.#registered++ };
    registrations.add(registration);
    if (isNewKey) this.#onKeysChanged?.();
    const owned = registrations;
    return toDisposable(() => {
      if (!owned.delete(registration)) return;
      if (owned.size === 0 && this.#byKey.get(key) === owned) {
        this.#byKey.delete(key);
        this.#onKeysChanged?.();
      }
    }, 'remove handler');
  }

  /**
   * Calls `visit` with each handler of `key` registered before this call, in registration order:
   * a handler that registers itself again (or another) during the visit is not visited for it.
   */
  forEach(key: string, visit: (handler: H) => void): void {
    const registrations = this.#byKeyMap?.get(key);
    if (!registrations) return;
    const before = this.#registered;
    for (const registration of registrations) if (registration.order < before) visit(registration.handler);
  }

  /** How many registrations were ever made: registrations with a lower `order` existed before now. */
  get registeredCount(): number {
    return this.#registered;
  }

  /** The registrations of `key`, for hot paths that must not allocate a callback per call. */
  registrations(key: string): ReadonlySet<Registration<H>> | undefined {
    return this.#byKeyMap?.get(key);
  }

  has(key: string): boolean {
    return this.#byKeyMap?.has(key) ?? false;
  }

  keys(): IterableIterator<string> {
    return this.#byKeyMap?.keys() ?? new Map<string, never>().keys();
  }

  get keyCount(): number {
    return this.#byKeyMap?.size ?? 0;
  }

  /** How many handlers are registered in all. */
  get size(): number {
    let total = 0;
    for (const registrations of this.#byKeyMap?.values() ?? []) total += registrations.size;
    return total;
  }

  clear(): void {
    const hadKeys = this.keyCount > 0;
    this.#byKeyMap?.clear();
    if (hadKeys) this.#onKeysChanged?.();
  }
}
