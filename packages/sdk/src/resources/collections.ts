import { DISPOSED, isPromiseLike, releaseResource, type ScopeCloseReason, type Resource } from './disposable.js';
import { DisposeError } from './errors.js';

/**
 * Holds at most one resource: setting a new value releases the old one. For "the current X"
 * (the current socket, the current display timer) where forgetting the old one would leak it.
 *
 * Exception-safe: the slot's state is updated before anything is released, so a value that throws
 * while releasing leaves the slot as if it had not thrown (the error is then rethrown).
 */
export class DisposableSlot<T extends Resource> implements Disposable {
  #value: T | undefined;
  #disposed = false;

  /** The value held. Setting it releases the previous one; on a disposed slot a new value is released at once. */
  get value(): T | undefined {
    return this.#value;
  }

  set value(next: T | undefined) {
    const previous = this.#value;
    if (previous === next) return;
    this.#value = this.#disposed ? undefined : next;
    releaseAll(this.#disposed && next !== undefined ? [previous, next] : [previous], 'a DisposableSlot');
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

  /** Releases the value and refuses every later one (each is released at once). */
  [Symbol.dispose](): void {
    this.#disposed = true;
    this.clear();
  }
}

/**
 * A map whose values are resources: overwriting or deleting a key releases its value, and
 * disposing the map releases them all. Per-user state that cannot outlive its user.
 *
 * Exception-safe: the map is updated before anything is released; disposing releases every value
 * (last added first) even when some throw, then throws one {@link DisposeError} listing them.
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
      releaseAll([value], 'a DisposableMap');
      return this;
    }
    const previous = this.#map.get(key);
    this.#map.set(key, value);
    if (previous !== value) releaseAll([previous], 'a DisposableMap');
    return this;
  }

  /** Deletes `key` and releases its value. */
  delete(key: K, reason: ScopeCloseReason = DISPOSED): boolean {
    const value = this.#map.get(key);
    if (value === undefined) return false;
    this.#map.delete(key);
    releaseAll([value], 'a DisposableMap', reason);
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

  /** Releases every value, last added first, and refuses every later one (each is released at once). */
  [Symbol.dispose](): void {
    this.#disposed = true;
    const values = [...this.#map.values()].reverse();
    this.#map.clear();
    releaseAll(values, 'a DisposableMap');
  }
}

/**
 * Releases each value (skipping `undefined`), all of them whatever throws; then rethrows a single
 * failure as it is, or several as one {@link DisposeError}. An async release that rejects becomes
 * a process warning: these collections are synchronous and have no caller to reject to.
 */
function releaseAll(values: ReadonlyArray<Resource | undefined>, what: string, reason: ScopeCloseReason = DISPOSED): void {
  let errors: unknown[] | undefined;
  for (const value of values) {
    if (value === undefined) continue;
    try {
      const result = releaseResource(value, reason);
      if (isPromiseLike(result)) result.then(undefined, (error: unknown) => process.emitWarning(error instanceof Error ? error : String(error)));
    } catch (error) {
      (errors ??= []).push(error);
    }
  }
  if (errors === undefined) return;
  throw errors.length === 1 ? errors[0] : new DisposeError(what, errors);
}
