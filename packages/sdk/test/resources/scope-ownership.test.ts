import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Scope, toDisposable, type TpaError } from '@tpa/sdk';

/** Resolves with `'late'` if `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  return Promise.race([promise, delay(ms, 'late' as const)]);
}

function scopeWithErrors(options: { cleanupTimeoutMs?: number } = {}): { scope: Scope; errors: TpaError[] } {
  const errors: TpaError[] = [];
  const scope = new Scope({ name: 'test', cleanupTimeoutMs: options.cleanupTimeoutMs ?? 10_000, onError: (error) => errors.push(error) });
  return { scope, errors };
}

describe('a cleanup that waits for its own scope to close', () => {
  // Each of these used to wait until the cleanup timeout, then fail with CLEANUP_TIMEOUT.
  it('joins the close at once when it awaits close() (async cleanup)', async () => {
    const { scope, errors } = scopeWithErrors();
    const ran: string[] = [];
    scope.onClose(() => ran.push('first added'));
    scope.onClose(async () => {
      await scope.close();
      ran.push('after awaiting its own close');
    });
    expect(await within(scope.close(), 2_000)).not.toBe('late');
    expect(scope.state).toBe('closed');
    expect(errors).toEqual([]);
    await delay(0);
    expect(ran).toEqual(['first added', 'after awaiting its own close']);
  });

  it('joins the close when it awaits close() after awaiting something else first', async () => {
    const { scope, errors } = scopeWithErrors();
    scope.onClose(async () => {
      await delay(5);
      await scope.close();
    });
    expect(await within(scope.close(), 2_000)).not.toBe('late');
    expect(errors).toEqual([]);
  });

  it('a child cleanup that closes its parent joins both closes', async () => {
    const { scope: parent, errors } = scopeWithErrors();
    const child = parent.child('child');
    child.onClose(async () => {
      await delay(1);
      await parent.close();
    });
    expect(await within(parent.close(), 2_000)).not.toBe('late');
    expect(child.state).toBe('closed');
    expect(errors).toEqual([]);
  });

  it('a synchronous cleanup that joins does not make the next async one unwaited', async () => {
    const { scope, errors } = scopeWithErrors();
    let finished = false;
    scope.onClose(async () => {
      await delay(30);
      finished = true;
    });
    scope.onClose(() => void scope.close());
    await scope.close();
    expect(finished).toBe(true);
    expect(errors).toEqual([]);
  });

  it('refuses a scope that would own itself, at once', () => {
    const scope = new Scope({ name: 'self' });
    expect(() => scope.add(scope)).toThrow(/cannot own itself/);
    expect(scope.size).toBe(0);
  });

  it('still waits for the close when someone outside the cleanups awaits it', async () => {
    const { scope } = scopeWithErrors();
    let finished = false;
    scope.onClose(async () => {
      await delay(50);
      finished = true;
    });
    void scope.close();
    // Called from outside any cleanup: a plain wait for the close in progress.
    await scope.close();
    expect(finished).toBe(true);
  });
});

describe('registrations', () => {
  it('the same function registered twice runs twice, and each disposer removes only its own', async () => {
    const scope = new Scope();
    let runs = 0;
    const cleanup = (): void => {
      runs++;
    };
    const first = scope.onClose(cleanup);
    scope.onClose(cleanup);
    scope.onClose(cleanup);
    expect(scope.size).toBe(3);
    first();
    expect(scope.size).toBe(2);
    await scope.close();
    expect(runs).toBe(2);
  });

  it('forget() stops owning a resource without releasing it; release() releases it now', async () => {
    const scope = new Scope();
    const released: string[] = [];
    const kept = scope.add(toDisposable(() => released.push('kept')));
    const now = scope.add(toDisposable(() => released.push('now')));
    expect(scope.forget(kept)).toBe(true);
    expect(scope.forget(kept)).toBe(false);
    expect(released).toEqual([]);
    expect(scope.release(now)).toBe(true);
    expect(released).toEqual(['now']);
    await scope.close();
    expect(released).toEqual(['now']);
  });

  it('names each failing resource in its error by what it is', async () => {
    const { scope, errors } = scopeWithErrors();
    scope.add(
      toDisposable(function closeDatabase() {
        throw new Error('boom');
      }),
    );
    scope.onClose(function flushCache() {
      throw new Error('bang');
    });
    const emitter = new EventEmitter();
    scope.listen(emitter, 'tick', () => {
      throw new Error('tock');
    });
    emitter.emit('tick');
    await scope.close();
    const messages = errors.map((error) => error.message).join('\n');
    expect(messages).toContain('listener for "tick"');
    expect(messages).toContain('flushCache');
    expect(messages).toContain('closeDatabase');
    expect(messages).not.toContain('function run');
  });

  it('is closing while its cleanups run and closed after, and the sync cleanups ran when close() returns', async () => {
    const scope = new Scope();
    const states: string[] = [];
    scope.onClose(() => states.push(`sync ${scope.state}`));
    scope.onClose(async () => {
      states.push(`async ${scope.state}`);
      await delay(1);
    });
    const closing = scope.close();
    // Only the cleanups up to the first async one have run yet (they run last added first).
    expect(states).toEqual(['async closing']);
    await closing;
    expect(states).toEqual(['async closing', 'sync closing']);
    expect(scope.state).toBe('closed');
  });
});
