/** Why a scope closed. `kind` is a short code (`disposed`, `parent_closed`, or one the owner chooses). */
export interface ScopeCloseReason {
  readonly kind: string;
  readonly message?: string;
  readonly cause?: unknown;
}

export const DISPOSED: ScopeCloseReason = Object.freeze({ kind: 'disposed', message: 'disposed by its owner' });

/** A cleanup function; it learns why its scope closed and may return a promise. */
export type Cleanup = (reason: ScopeCloseReason) => unknown;

/** An object with a `dispose()` method, in the style of VS Code and many libraries. */
export interface DisposeMethod {
  dispose(): unknown;
}

/** A Node.js timer or interval handle (what `setTimeout`/`setInterval` return). */
export type TimerHandle = ReturnType<typeof setTimeout> | ReturnType<typeof setInterval>;

/** Anything a scope can own. */
export type Resource = Disposable | AsyncDisposable | DisposeMethod | Cleanup | AbortController | TimerHandle;

/** A handle that removes what it stands for; callable and disposable, so `using` works. */
export interface Disposer extends Disposable {
  (): void;
  dispose(): void;
}

/**
 * Makes a {@link Disposer} that runs `fn` once, however often it is called. The disposer is named
 * `name`, else after `fn`, so that an error about it says what it was.
 */
export function toDisposable(fn: () => void, name: string = fn.name): Disposer {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    fn();
  };
  const disposer = run as Disposer;
  disposer.dispose = run;
  disposer[Symbol.dispose] = run;
  Object.defineProperty(disposer, 'name', { value: name || 'disposer' });
  return disposer;
}

/** Whether `value` is a Node.js timer handle (what `setTimeout`/`setInterval` return). */
export function isTimerHandle(value: object): value is TimerHandle {
  const candidate = value as { hasRef?: unknown; refresh?: unknown; unref?: unknown };
  return typeof candidate.hasRef === 'function' && typeof candidate.refresh === 'function' && typeof candidate.unref === 'function';
}

/** A short description of a resource for error messages. */
export function describeResource(resource: Resource): string {
  if (typeof resource === 'function') return resource.name ? `cleanup "${resource.name}"` : 'an anonymous cleanup function';
  if (resource instanceof AbortController) return 'AbortController';
  if (isTimerHandle(resource)) return 'timer';
  return resource.constructor?.name && resource.constructor.name !== 'Object' ? resource.constructor.name : 'disposable';
}

/**
 * Releases one resource, whatever its kind. Returns what its cleanup returned (a promise for
 * async ones), so that the caller decides whether to await it.
 */
export function releaseResource(resource: Resource, reason: ScopeCloseReason): unknown {
  if (typeof resource === 'function') return resource(reason);
  if (resource instanceof AbortController) {
    resource.abort(reason);
    return undefined;
  }
  if (isTimerHandle(resource)) {
    clearTimeout(resource);
    return undefined;
  }
  if (Symbol.asyncDispose in resource && typeof resource[Symbol.asyncDispose] === 'function') return resource[Symbol.asyncDispose]();
  if (Symbol.dispose in resource && typeof resource[Symbol.dispose] === 'function') return resource[Symbol.dispose]();
  if ('dispose' in resource && typeof resource.dispose === 'function') return resource.dispose();
  throw new TypeError(`cannot release ${describeResource(resource)}: it has no dispose method`);
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
