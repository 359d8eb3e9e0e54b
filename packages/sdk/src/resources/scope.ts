import type { EventEmitter } from 'node:events';
import {
  DISPOSED,
  describeResource,
  isPromiseLike,
  releaseResource,
  toDisposable,
  type Cleanup,
  type ScopeCloseReason,
  type Disposer,
  type Resource,
  type TimerHandle,
} from './disposable.js';
import { CallbackError, CleanupTimeoutError, ScopeCleanupError, ScopeClosedError } from './errors.js';
import { scopeTracker } from './leak-tracker.js';
import type { TpaError } from '../errors.js';

export type ScopeState = 'open' | 'closing' | 'closed';

export interface ScopeOptions {
  /** Names the scope in errors and leak reports. */
  readonly name?: string;
  /** How long one async cleanup may take before closing goes on without it. Default 5,000 ms. */
  readonly cleanupTimeoutMs?: number;
  /**
   * Receives what goes wrong without a caller to throw to: a failed close (one
   * {@link ScopeCleanupError} with every error), a resource added after close, a timer or listener
   * that threw. Default: a process warning (and `Symbol.asyncDispose` also throws a failed close).
   */
  readonly onError?: (error: TpaError) => void;
}

export interface ScopeCloseResult {
  readonly reason: ScopeCloseReason;
  /** Every error of every cleanup, in the order they ran (last added first). */
  readonly errors: readonly unknown[];
}

/** Something with listeners: a Node.js EventEmitter or a DOM-style EventTarget. */
export type ListenerTarget =
  | Pick<EventEmitter, 'on' | 'off'>
  | { addEventListener(type: string, listener: (...args: unknown[]) => void): void; removeEventListener(type: string, listener: (...args: unknown[]) => void): void };

type Listener = (...args: never[]) => unknown;
type Emitter = Pick<EventEmitter, 'on' | 'off'>;

function isEmitter(target: ListenerTarget): target is Emitter {
  return typeof (target as Partial<Emitter>).on === 'function' && typeof (target as Partial<Emitter>).off === 'function';
}

export const DEFAULT_CLEANUP_TIMEOUT_MS = 5_000;

/**
 * Owns resources and releases them all, last added first, when it closes. Timers, intervals,
 * listeners, abort controllers, disposables and cleanup functions can all be added; `add(x)`
 * returns `x` so creation and registration are one expression.
 *
 * Closing runs at most once, goes on past a throwing or hanging cleanup, reports every error
 * together, and tells each cleanup why the scope closed. Child scopes close with their parent.
 *
 * @example
 * ```ts
 * await using scope = new Scope({ name: 'job' });
 * scope.setInterval(() => poll(), 1_000);
 * scope.listen(process, 'SIGHUP', () => reload());
 * scope.onClose((reason) => log.info(`job ended: ${reason.kind}`));
 * ```
 */
export class Scope implements AsyncDisposable, Disposable {
  readonly name: string;
  readonly #cleanupTimeoutMs: number;
  readonly #onError: ((error: TpaError) => void) | undefined;
  readonly #entries = new Map<Resource, Resource>();
  #state: ScopeState = 'open';
  #reason: ScopeCloseReason | undefined;
  #closing: Promise<ScopeCloseResult> | undefined;
  #abort: AbortController | undefined;

  constructor(options: ScopeOptions = {}) {
    this.name = options.name ?? 'scope';
    this.#cleanupTimeoutMs = options.cleanupTimeoutMs ?? DEFAULT_CLEANUP_TIMEOUT_MS;
    this.#onError = options.onError;
    scopeTracker()?.opened(this);
  }

  get state(): ScopeState {
    return this.#state;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Why the scope closed, once it started closing. */
  get closeReason(): ScopeCloseReason | undefined {
    return this.#reason;
  }

  /** How many resources the scope owns now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Aborted, with the close reason, when the scope starts closing. */
  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    if (this.#reason && !this.#abort.signal.aborted) this.#abort.abort(this.#reason);
    return this.#abort.signal;
  }

  /**
   * Takes ownership of `resource` and returns it. On a closed scope the resource is released at
   * once and the mistake reported.
   */
  add<T extends Resource>(resource: T): T {
    if (this.#state !== 'open') {
      this.#releaseLate(resource);
      return resource;
    }
    this.#entries.set(resource, resource);
    return resource;
  }

  /** Forgets `resource` without releasing it; `true` if the scope owned it. */
  release(resource: Resource): boolean {
    return this.#entries.delete(resource);
  }

  /** Runs `cleanup(reason)` when the scope closes; the returned disposer unregisters it. */
  onClose(cleanup: Cleanup): Disposer {
    this.add(cleanup);
    return toDisposable(() => this.release(cleanup));
  }

  /** A `setTimeout` owned by the scope: cleared on close, forgotten once it fired. */
  setTimeout<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): TimerHandle {
    const timer: TimerHandle = setTimeout(() => {
      this.#entries.delete(timer);
      this.#invoke('timer callback', callback, args);
    }, ms);
    return this.#addTimer(timer);
  }

  /** A `setInterval` owned by the scope: cleared on close. */
  setInterval<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): TimerHandle {
    const timer: TimerHandle = setInterval(() => this.#invoke('interval callback', callback, args), ms);
    return this.#addTimer(timer);
  }

  /** Clears a timer or interval made by this scope (or added to it) and forgets it. */
  clearTimer(timer: TimerHandle | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#entries.delete(timer);
  }

  /**
   * Adds `listener` to an EventEmitter or EventTarget for as long as the scope is open. A listener
   * that throws is reported, never propagated into the emitter.
   */
  listen(target: ListenerTarget, event: string, listener: Listener): Disposer {
    const wrapped = (...args: unknown[]): void => this.#invoke(`listener for "${event}"`, listener as (...args: unknown[]) => unknown, args);
    let remove: () => void;
    // Prefer the EventEmitter API: some emitters (ws) also offer a DOM-style one that wraps events.
    if (isEmitter(target)) {
      target.on(event, wrapped);
      remove = () => target.off(event, wrapped);
    } else {
      target.addEventListener(event, wrapped);
      remove = () => target.removeEventListener(event, wrapped);
    }
    const disposer = toDisposable(() => {
      this.#entries.delete(disposer);
      remove();
    });
    if (this.#state !== 'open') {
      this.#releaseLate(disposer);
      return disposer;
    }
    this.#entries.set(disposer, disposer);
    return disposer;
  }

  /** A scope that closes with this one (with the same reason) and leaves it when it closes first. */
  child(name = `${this.name}/child`): Scope {
    const child = new Scope({ name, cleanupTimeoutMs: this.#cleanupTimeoutMs, ...(this.#onError ? { onError: this.#onError } : {}) });
    const closeChild: Cleanup = (reason) => child.close(reason);
    this.add(closeChild);
    child.onClose(() => {
      this.#entries.delete(closeChild);
    });
    return child;
  }

  /**
   * Releases everything, last added first, once. Later calls return the same promise. Never
   * rejects: errors are in the result (and reported to `onError`).
   */
  close(reason: ScopeCloseReason = DISPOSED): Promise<ScopeCloseResult> {
    if (this.#closing) return this.#closing;
    this.#state = 'closing';
    this.#reason = reason;
    // Recorded before any cleanup runs: a cleanup that closes its own scope must join this close.
    let settle: (result: ScopeCloseResult) => void = () => undefined;
    this.#closing = new Promise<ScopeCloseResult>((resolve) => (settle = resolve));
    this.#abort?.abort(reason);
    void this.#releaseAll(reason).then(settle);
    return this.#closing;
  }

  /** Starts closing; every synchronous cleanup has run when this returns. */
  [Symbol.dispose](): void {
    void this.close();
  }

  /** Closes; throws a {@link ScopeCleanupError} if a cleanup failed and no `onError` was given. */
  async [Symbol.asyncDispose](): Promise<void> {
    const result = await this.close();
    if (result.errors.length > 0 && !this.#onError) throw new ScopeCleanupError(this.name, result.errors);
  }

  async #releaseAll(reason: ScopeCloseReason): Promise<ScopeCloseResult> {
    const errors: unknown[] = [];
    const resources = [...this.#entries.keys()].reverse();
    for (const resource of resources) {
      if (!this.#entries.delete(resource)) continue;
      try {
        const pending = releaseResource(resource, reason);
        // A cleanup that returns this very close (`() => scope.close()`) joins it; awaiting it would wait on itself.
        if (isPromiseLike(pending) && pending !== this.#closing) await this.#bounded(pending, describeResource(resource));
      } catch (error) {
        errors.push(error);
      }
    }
    this.#state = 'closed';
    scopeTracker()?.closed(this);
    if (errors.length > 0) this.#report(new ScopeCleanupError(this.name, errors));
    return { reason, errors };
  }

  async #bounded(pending: PromiseLike<unknown>, what: string): Promise<void> {
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      // Not unref'd: a process must not exit in the middle of a close because a cleanup hangs.
      timer = setTimeout(() => reject(new CleanupTimeoutError(this.name, what, this.#cleanupTimeoutMs)), this.#cleanupTimeoutMs);
    });
    try {
      await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #addTimer(timer: TimerHandle): TimerHandle {
    if (this.#state !== 'open') {
      this.#releaseLate(timer);
      return timer;
    }
    this.#entries.set(timer, timer);
    return timer;
  }

  #invoke<A extends unknown[]>(what: string, callback: (...args: A) => unknown, args: A): void {
    // Nothing the scope owns runs once it started closing, even while a slow cleanup is awaited.
    if (this.#state !== 'open') return;
    try {
      const result = callback(...args);
      if (isPromiseLike(result)) {
        result.then(undefined, (error: unknown) => this.#report(new CallbackError(this.name, what, error)));
      }
    } catch (error) {
      this.#report(new CallbackError(this.name, what, error));
    }
  }

  #releaseLate(resource: Resource): void {
    this.#report(new ScopeClosedError(this.name, describeResource(resource)));
    try {
      const pending = releaseResource(resource, this.#reason ?? DISPOSED);
      if (isPromiseLike(pending)) pending.then(undefined, (error: unknown) => this.#report(new CallbackError(this.name, 'late cleanup', error)));
    } catch (error) {
      this.#report(new CallbackError(this.name, 'late cleanup', error));
    }
  }

  #report(error: TpaError): void {
    if (this.#onError) {
      try {
        this.#onError(error);
      } catch {
        // An error handler that throws must not break closing; the error was already delivered.
      }
    } else {
      process.emitWarning(error);
    }
  }
}
