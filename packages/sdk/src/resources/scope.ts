import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import {
  DISPOSED,
  describeResource,
  isPromiseLike,
  isTimerHandle,
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

/** `open` until `close()` starts; `closing` while its cleanups run; `closed` once every one has finished. */
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
  /**
   * The scope that owns this one: this one closes when it does (with its reason) and is waited for
   * until fully closed; a scope that closes first leaves its parent once it has fully closed.
   */
  readonly parent?: Scope;
  /**
   * Release every resource at once and wait for them all, instead of one after another, last added
   * first. For a scope whose resources do not depend on each other (a server's sessions).
   */
  readonly concurrent?: boolean;
  /**
   * Called synchronously as closing starts, before any cleanup runs, with the reason and the
   * promise of the close: the place for the scope's owner to enter its own ending state, so that
   * every way of closing the scope goes through it.
   */
  readonly onClosing?: (reason: ScopeCloseReason, closed: Promise<ScopeCloseResult>) => void;
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
 * The cleanup running in the current async context, so that a cleanup which waits for its own
 * scope (or an ancestor) to close can be recognised however many `await`s it is down: that wait
 * joins the close in progress instead of deadlocking it until the cleanup timeout.
 */
interface CleanupFrame {
  readonly scope: Scope;
  readonly outer: CleanupFrame | undefined;
  /** Set when the cleanup waits for the close itself: the scope must stop waiting for it. */
  joined: boolean;
  /** Ends the scope's wait for this cleanup, once it waits. */
  stopWaiting: (() => void) | undefined;
}

function join(frame: CleanupFrame): void {
  frame.joined = true;
  frame.stopWaiting?.();
}

const runningCleanup = new AsyncLocalStorage<CleanupFrame>();
const JOINED = Symbol('joined');

interface Failures {
  readonly errors: unknown[];
  readonly what: string[];
}

/**
 * Owns resources and releases them all, last added first, when it closes. Timers, intervals,
 * listeners, abort controllers, disposables, cleanup functions and child scopes can all be added;
 * `add(x)` returns `x` so creation and registration are one expression.
 *
 * Closing runs at most once, goes on past a throwing or hanging cleanup, reports every error
 * together, and tells each cleanup why the scope closed. A cleanup that itself waits for the close
 * (`await scope.close()`, or its owner's equivalent) joins it rather than waiting on itself.
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
  readonly #onClosing: ScopeOptions['onClosing'];
  readonly #concurrent: boolean;
  readonly #parent: Scope | undefined;
  /** Key: the resource itself, or the disposer of an `onClose` registration (so that each is its own). */
  readonly #entries = new Map<object, Resource>();
  #state: ScopeState = 'open';
  #reason: ScopeCloseReason | undefined;
  #closing: Promise<ScopeCloseResult> | undefined;
  #abort: AbortController | undefined;

  constructor(options: ScopeOptions = {}) {
    this.name = options.name ?? 'scope';
    this.#cleanupTimeoutMs = options.cleanupTimeoutMs ?? DEFAULT_CLEANUP_TIMEOUT_MS;
    this.#onError = options.onError;
    this.#onClosing = options.onClosing;
    this.#concurrent = options.concurrent ?? false;
    this.#parent = options.parent;
    scopeTracker()?.opened(this);
    // The child itself is the parent's entry: no closure per child.
    options.parent?.add(this);
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
   * Takes ownership of `resource` and returns it; adding what it already owns changes nothing. On
   * a scope that is no longer open the resource is released at once and the mistake reported.
   * Throws a `TypeError` for a scope that would own itself or one of its ancestors.
   */
  add<T extends Resource>(resource: T): T {
    if (resource instanceof Scope && this.#isOrDescendsFrom(resource)) {
      throw new TypeError(`scope "${this.name}" cannot own itself or a scope it belongs to ("${resource.name}")`);
    }
    if (this.#state !== 'open') {
      this.#releaseLate(resource);
      return resource;
    }
    this.#entries.set(resource, resource);
    return resource;
  }

  /** Stops owning `resource` without releasing it (the caller now owns it); `true` if the scope owned it. */
  forget(resource: Resource): boolean {
    return this.#entries.delete(resource);
  }

  /**
   * Releases `resource` now and stops owning it; `true` if the scope owned it. A synchronous
   * failure is thrown to the caller; an async one is reported to `onError`.
   */
  release(resource: Resource): boolean {
    if (!this.#entries.delete(resource)) return false;
    const result = releaseResource(resource, DISPOSED);
    if (isPromiseLike(result)) result.then(undefined, (error: unknown) => this.#report(new CallbackError(this.name, describeResource(resource), error)));
    return true;
  }

  /**
   * Runs `cleanup(reason)` when the scope closes; the returned disposer removes this registration
   * (registering the same function twice runs it twice, and each disposer removes its own).
   */
  onClose(cleanup: Cleanup): Disposer {
    if (this.#state !== 'open') {
      this.#releaseLate(cleanup);
      return toDisposable(() => undefined, 'a late registration');
    }
    const registration = toDisposable(() => {
      this.#entries.delete(registration);
    }, `remove cleanup ${describeResource(cleanup)}`);
    this.#entries.set(registration, cleanup);
    return registration;
  }

  /** A `setTimeout` owned by the scope: cleared on close, forgotten once it fired. */
  setTimeout<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): TimerHandle {
    const timer: TimerHandle = setTimeout(() => {
      this.#entries.delete(timer);
      this.#invoke('timer callback', callback, args);
    }, ms);
    return this.add(timer);
  }

  /** A `setInterval` owned by the scope: cleared on close. */
  setInterval<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): TimerHandle {
    const timer: TimerHandle = setInterval(() => this.#invoke('interval callback', callback, args), ms);
    return this.add(timer);
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
    const what = `listener for "${event}"`;
    const wrapped = (...args: unknown[]): void => this.#invoke(what, listener as (...args: unknown[]) => unknown, args);
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
    }, `remove ${what}`);
    return this.add(disposer);
  }

  /** A scope that closes with this one (with the same reason) and leaves it once it has closed first. */
  child(name = `${this.name}/child`): Scope {
    return new Scope({ name, cleanupTimeoutMs: this.#cleanupTimeoutMs, parent: this, ...(this.#onError ? { onError: this.#onError } : {}) });
  }

  /**
   * Starts closing and returns the promise of the close, the same one to every caller. Cleanups run
   * last added first; those up to the first one that returns a promise have run when this returns.
   * Never rejects: errors are in the result (and reported to `onError`). Called from one of the
   * scope's own cleanups (or a descendant's), the call joins the close instead of waiting on itself.
   */
  close(reason: ScopeCloseReason = DISPOSED): Promise<ScopeCloseResult> {
    if (this.#closing) {
      this.#joinIfInsideOwnCleanup();
      return this.#closing;
    }
    this.#state = 'closing';
    this.#reason = reason;
    // Recorded before anything runs: a cleanup that closes its own scope must join this close.
    let settle: (result: ScopeCloseResult) => void = () => undefined;
    const closing = new Promise<ScopeCloseResult>((resolve) => (settle = resolve));
    this.#closing = closing;
    if (this.#onClosing) {
      try {
        this.#onClosing(reason, closing);
      } catch (error) {
        this.#report(new CallbackError(this.name, 'the onClosing hook', error));
      }
    }
    this.#abort?.abort(reason);
    void this.#releaseAll(reason).then(settle);
    // A close that starts inside a descendant's cleanup (that cleanup ends its owner) also joins.
    this.#joinIfInsideOwnCleanup();
    return closing;
  }

  /** Starts closing (see {@link Scope.close}); what runs synchronously has run when this returns. */
  [Symbol.dispose](): void {
    void this.close();
  }

  /** Closes; throws a {@link ScopeCleanupError} if a cleanup failed and no `onError` was given. */
  async [Symbol.asyncDispose](): Promise<void> {
    const result = await this.close();
    if (result.errors.length > 0 && !this.#onError) throw new ScopeCleanupError(this.name, result.errors);
  }

  async #releaseAll(reason: ScopeCloseReason): Promise<ScopeCloseResult> {
    const failures: Failures = { errors: [], what: [] };
    const keys = [...this.#entries.keys()].reverse();
    if (this.#concurrent) {
      await Promise.all(keys.map((key) => this.#inFrame((frame) => this.#releaseEntry(key, reason, failures, frame))));
    } else {
      // In batches: the synchronous releases share one frame, and the first async one ends the
      // batch and keeps the frame (its later code runs in it). A scope may own thousands.
      let next = 0;
      while (next < keys.length) {
        const pending = this.#inFrame((frame) => {
          while (next < keys.length) {
            const async = this.#releaseEntry(keys[next++] as object, reason, failures, frame);
            if (async) return async;
          }
          return undefined;
        });
        if (pending) await pending;
      }
    }
    const { errors } = failures;
    this.#state = 'closed';
    scopeTracker()?.closed(this);
    if (errors.length > 0) this.#report(new ScopeCleanupError(this.name, errors, failures.what));
    // Fully closed: a parent that is still open stops owning this scope.
    if (this.#parent) this.#parent.#entries.delete(this);
    return { reason, errors };
  }

  /**
   * Releases one entry, in a cleanup frame of its own when it may run code of the app; a failure
   * goes to `failures`. Returns a promise only when the release is async.
   */
  #releaseEntry(key: object, reason: ScopeCloseReason, failures: Failures, frame: CleanupFrame): Promise<void> | undefined {
    const resource = this.#entries.get(key);
    if (resource === undefined || !this.#entries.delete(key)) return undefined;
    if (isTimerHandle(resource)) {
      clearTimeout(resource);
      return undefined;
    }
    let pending: unknown;
    try {
      pending = resource instanceof Scope ? resource.close(reason) : releaseResource(resource, reason);
    } catch (error) {
      frame.joined = false;
      failures.errors.push(error);
      failures.what.push(describeResource(resource));
      return undefined;
    }
    if (isPromiseLike(pending)) return this.#awaitRelease(pending, resource, frame, failures);
    // A synchronous cleanup that joined has finished: the next one in the frame starts unjoined.
    frame.joined = false;
    return undefined;
  }

  /** Runs `release` in a new cleanup frame of this scope, nested in the caller's. */
  #inFrame<T>(release: (frame: CleanupFrame) => T): T {
    const frame: CleanupFrame = { scope: this, outer: runningCleanup.getStore(), joined: false, stopWaiting: undefined };
    return runningCleanup.run(frame, release, frame);
  }

  /** Waits for an async release: bounded (a child scope by its own bounds), or until it joins the close. */
  async #awaitRelease(pending: PromiseLike<unknown>, resource: Resource, frame: CleanupFrame, failures: Failures): Promise<void> {
    const what = describeResource(resource);
    try {
      const joined = new Promise<typeof JOINED>((resolve) => {
        frame.stopWaiting = () => resolve(JOINED);
        if (frame.joined) resolve(JOINED);
      });
      const outcome = await (resource instanceof Scope ? Promise.race([pending, joined]) : this.#bounded(pending, what, joined));
      // A cleanup that joined the close may still fail later: report it then.
      if (outcome === JOINED) pending.then(undefined, (error: unknown) => this.#report(new CallbackError(this.name, what, error)));
    } catch (error) {
      failures.errors.push(error);
      failures.what.push(what);
    } finally {
      frame.stopWaiting = undefined;
    }
  }

  async #bounded(pending: PromiseLike<unknown>, what: string, joined: Promise<typeof JOINED>): Promise<unknown> {
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      // Not unref'd: a process must not exit in the middle of a close because a cleanup hangs.
      timer = setTimeout(() => reject(new CleanupTimeoutError(this.name, what, this.#cleanupTimeoutMs)), this.#cleanupTimeoutMs);
    });
    try {
      return await Promise.race([pending, timeout, joined]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** If the caller runs inside a cleanup of this scope or of one it owns, that cleanup stops being waited for. */
  #joinIfInsideOwnCleanup(): void {
    const innermost = runningCleanup.getStore();
    for (let frame = innermost; frame; frame = frame.outer) {
      if (frame.scope.#isOrDescendsFrom(this)) {
        if (innermost) join(innermost);
        return;
      }
    }
  }

  #isOrDescendsFrom(ancestor: Scope): boolean {
    if (this === ancestor) return true;
    for (let scope = this.#parent; scope; scope = scope.#parent) if (scope === ancestor) return true;
    return false;
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
    this.#report(new ScopeClosedError(this.name, describeResource(resource), this.#state === 'open' ? 'closed' : this.#state));
    try {
      const pending = resource instanceof Scope ? resource.close(this.#reason ?? DISPOSED) : releaseResource(resource, this.#reason ?? DISPOSED);
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
