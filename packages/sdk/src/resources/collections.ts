import { DISPOSED, isPromiseLike, releaseResource, type ScopeCloseReason, type Resource } from './disposable.js';

/**
 * Holds at most one resource: setting a new value releases the old one. For "the current X"
 * (the current socket, the current display timer) where forgetting the old one would leak it.
 */
export class DisposableSlot<T extends Resource> implements Disposable {
  #value: T | undefined;
  #disposed = false;

  get value(): T | undefined {
    return this.#value;
  }

  /** Replaces the value, releasing the previous one; on a disposed slot the new value is released at once. */
  set value(next: T | undefined) {
    const previous = this.#value;
    if (previous === next) return;
    this.#value = this.#disposed ? undefined : next;
    if (previous !== undefined) settle(releaseResource(previous, DISPOSED));
    if (this.#disposed && next !== undefined) settle(releaseResource(next, DISPOSED));
  }

  /** Takes the value out without releasing it. */
  take(): T | undefined {
    const value = this.#value;
    this.#value = undefined;
    return value;
  }

  clear(): void {
    this.value = undefined;
  }

  [Symbol.dispose](): void {
    this.clear();
    this.#disposed = true;
  }
}

/**
 * A map whose values are resources: overwriting or deleting a key releases its value, and
 * disposing the map releases them all. Per-user state that cannot outlive its user.
 */
export class DisposableMap<K, V extends Resource> implements Disposable, Iterable<[K, V]> {
  readonly #map = new Map<K, V>();
  #disposed = false;

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Sets `key`, releasing the value it replaces. On a disposed map the value is released at once. */
  set(key: K, value: V): this {
    if (this.#disposed) {
      settle(releaseResource(value, DISPOSED));
      return this;
    }
    const previous = this.#map.get(key);
    this.#map.set(key, value);
    if (previous !== undefined && previous !== value) settle(releaseResource(previous, DISPOSED));
    return this;
  }

  /** Deletes `key` and releases its value. */
  delete(key: K, reason: ScopeCloseReason = DISPOSED): boolean {
    const value = this.#map.get(key);
    if (value === undefined) return false;
    this.#map.delete(key);
    settle(releaseResource(value, reason));
    return true;
  }

  /** Deletes `key` without releasing its value, and returns the value. */
  take(key: K): V | undefined {
    const value = this.#map.get(key);
    this.#map.delete(key);
    return value;
  }

  keys(): IterableIterator<K> {
    return this.#map.keys();
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.#map[Symbol.iterator]();
  }

  [Symbol.dispose](): void {
    this.#disposed = true;
    const values = [...this.#map.values()].reverse();
    this.#map.clear();
    for (const value of values) settle(releaseResource(value, DISPOSED));
  }
}

/** Async releases from these synchronous collections must not become unhandled rejections. */
function settle(result: unknown): void {
  if (isPromiseLike(result)) result.then(undefined, (error: unknown) => process.emitWarning(error instanceof Error ? error : String(error)));
}
