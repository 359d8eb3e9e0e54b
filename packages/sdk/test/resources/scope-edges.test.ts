import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  CallbackError,
  CleanupTimeoutError,
  DISPOSED,
  DisposableMap,
  DisposableSlot,
  DisposeError,
  Scope,
  ScopeCleanupError,
  toDisposable,
  type TpaError,
} from '@tpa/sdk';
import { OpenScopeRegistry, setScopeTracker } from '@tpa/sdk/testing';

// The edges of scopes and collections that the mutation run (npm run mutate) found untested.

function collectingScope(options: { name?: string; concurrent?: boolean } = {}): { scope: Scope; reported: TpaError[] } {
  const reported: TpaError[] = [];
  const scope = new Scope({ ...options, onError: (error) => reported.push(error) });
  return { scope, reported };
}

function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

function nextWarning(): Promise<Error> {
  return new Promise((resolve) => process.once('warning', resolve));
}

class Connection {
  released = 0;
  dispose(): void {
    this.released++;
  }
}

describe('a scope, as its owner sees it', () => {
  it('is named "scope" by default and closes for "disposed by its owner" by default', async () => {
    const scope = new Scope();
    expect(scope.name).toBe('scope');
    expect(scope.isOpen).toBe(true);
    const { reason } = await scope.close();
    expect(reason).toBe(DISPOSED);
    expect(DISPOSED).toEqual({ kind: 'disposed', message: 'disposed by its owner' });
    expect(scope.isOpen).toBe(false);
  });

  it('hands out a signal after closing that is already aborted with the reason', async () => {
    const scope = new Scope();
    const reason = { kind: 'stopped_by_user' };
    await scope.close(reason);
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe(reason);
  });

  it('is closed as soon as a `using` block of synchronous resources ends', () => {
    let observed: Scope;
    {
      using scope = new Scope();
      scope.onClose(() => undefined);
      scope.add(new Connection());
      observed = scope;
    }
    expect(observed.state).toBe('closed');
  });

  it('treats cleanups that return null, a number or a non-thenable object as done', async () => {
    const { scope, reported } = collectingScope();
    scope.onClose(() => null);
    scope.onClose(() => 42);
    scope.onClose(() => ({ then: 'not a function' }));
    const { errors } = await scope.close();
    expect(errors).toEqual([]);
    expect(reported).toEqual([]);
  });

  it('release() says false for what it does not own, and reports an async release that fails', async () => {
    const { scope, reported } = collectingScope({ name: 'jobs' });
    const stranger = new Connection();
    expect(scope.release(stranger)).toBe(false);
    expect(stranger.released).toBe(0);
    const failing = scope.add({ [Symbol.asyncDispose]: () => Promise.reject(new Error('flush failed')) });
    expect(scope.release(failing)).toBe(true);
    await sleep(0);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(CallbackError);
    expect(reported[0]?.message).toBe('disposable in scope "jobs" threw: flush failed');
    await scope.close();
  });

  it('runs an onClose registered after closing at once, with the reason, and reports the mistake', async () => {
    const { scope, reported } = collectingScope({ name: 'late' });
    const reason = { kind: 'cloud_closed' };
    await scope.close(reason);
    const seen: unknown[] = [];
    const registration = scope.onClose(function flush(why) {
      seen.push(why);
    });
    expect(seen).toEqual([reason]);
    expect(reported[0]?.code).toBe('SCOPE_CLOSED');
    expect(reported[0]?.message).toContain('cleanup "flush" was added to scope "late" while it was closed');
    expect(registration.name).toBe('a late registration');
    registration();
    expect(seen).toHaveLength(1);
  });

  it('closes a scope added after closing with the same reason, and reports late cleanups that throw or reject', async () => {
    const { scope, reported } = collectingScope({ name: 'late' });
    const reason = { kind: 'server_shutdown' };
    await scope.close(reason);
    const late = new Scope({ name: 'late child' });
    scope.add(late);
    expect((await late.close()).reason).toBe(reason);
    scope.onClose(() => {
      throw new Error('sync boom');
    });
    scope.onClose(() => Promise.reject(new Error('async boom')));
    await sleep(0);
    const lateFailures = reported.filter((error) => error.code === 'CALLBACK_FAILED').map((error) => error.message);
    expect(lateFailures).toEqual(['late cleanup in scope "late" threw: sync boom', 'late cleanup in scope "late" threw: async boom']);
  });

  it('names late resources by what they are', async () => {
    const { scope, reported } = collectingScope({ name: 's' });
    await scope.close();
    scope.add(new AbortController());
    scope.add(setTimeout(() => undefined, 1_000));
    scope.add(new Connection());
    scope.add({ dispose: () => undefined });
    scope.add(() => undefined);
    expect(reported.map((error) => error.message.split(' was added')[0])).toEqual([
      'AbortController',
      'timer',
      'Connection',
      'disposable',
      'an anonymous cleanup function',
    ]);
  });

  it('reports an onClosing hook that throws, and still closes', async () => {
    const reported: TpaError[] = [];
    const released: string[] = [];
    const scope = new Scope({
      name: 'hooked',
      onError: (error) => reported.push(error),
      onClosing: () => {
        throw new Error('hook failed');
      },
    });
    scope.onClose(() => released.push('cleanup'));
    await scope.close();
    expect(released).toEqual(['cleanup']);
    expect(reported.map((error) => error.message)).toEqual(['the onClosing hook in scope "hooked" threw: hook failed']);
  });

  it('reports a timer callback or a listener that rejects, naming it', async () => {
    const { scope, reported } = collectingScope({ name: 'cb' });
    const emitter = new EventEmitter();
    scope.listen(emitter, 'tick', () => Promise.reject(new Error('listener rejected')));
    emitter.emit('tick');
    scope.setTimeout(() => {
      throw new Error('timer threw');
    }, 1);
    const interval = scope.setInterval(() => {
      scope.clearTimer(interval);
      throw new Error('interval threw');
    }, 1);
    await sleep(30);
    expect(reported.map((error) => error.message).sort()).toEqual([
      'interval callback in scope "cb" threw: interval threw',
      'listener for "tick" in scope "cb" threw: listener rejected',
      'timer callback in scope "cb" threw: timer threw',
    ]);
    expect((reported[0] as CallbackError).cause).toBeInstanceOf(Error);
    await scope.close();
  });

  it('removes its listener from an EventTarget when the listen disposer is called', async () => {
    const scope = new Scope();
    const target = new EventTarget();
    let heard = 0;
    const stop = scope.listen(target, 'ping', () => heard++);
    expect(stop.name).toBe('remove listener for "ping"');
    stop();
    target.dispatchEvent(new Event('ping'));
    expect(heard).toBe(0);
    expect(scope.size).toBe(0);
    await scope.close();
  });

  it('listens with addEventListener on a target that has on() but no off()', async () => {
    const scope = new Scope();
    const target = Object.assign(new EventTarget(), { on: () => undefined });
    let heard = 0;
    scope.listen(target, 'ping', () => heard++);
    target.dispatchEvent(new Event('ping'));
    expect(heard).toBe(1);
    await scope.close();
  });

  it('names an onClose registration after its cleanup', async () => {
    const scope = new Scope();
    expect(scope.onClose(function saveDraft() {}).name).toBe('remove cleanup cleanup "saveDraft"');
    await scope.close();
  });

  it('refuses to own its grandparent', async () => {
    const root = new Scope({ name: 'root' });
    const grandchild = root.child().child('grandchild');
    expect(root.child().name).toBe('root/child');
    expect(() => grandchild.add(root)).toThrow(TypeError);
    expect(() => grandchild.add(root)).toThrow('scope "grandchild" cannot own itself or a scope it belongs to ("root")');
    await root.close();
  });

  it('gives its children its error handler and its cleanup bound', async () => {
    const reported: TpaError[] = [];
    const parent = new Scope({ name: 'parent', cleanupTimeoutMs: 20, onError: (error) => reported.push(error) });
    const child = parent.child('child');
    child.onClose(() => new Promise(() => undefined));
    const started = Date.now();
    const { errors } = await child.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(errors[0]).toBeInstanceOf(CleanupTimeoutError);
    expect((errors[0] as Error).message).toBe('an anonymous cleanup function in scope "child" did not finish within 20 ms; closing went on without it');
    expect(reported[0]).toBeInstanceOf(ScopeCleanupError);
    await parent.close();
  });

  it('releases every resource at once when concurrent, and waits for them all', async () => {
    const { scope } = collectingScope({ concurrent: true });
    const started: string[] = [];
    const finished: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      scope.onClose(async () => {
        started.push(name);
        await sleep(20);
        finished.push(name);
      });
    }
    const closed = scope.close();
    expect(started).toEqual(['c', 'b', 'a']);
    expect(finished).toEqual([]);
    await closed;
    expect(finished).toHaveLength(3);
  });

  it('leaves no timer behind once an async cleanup settled in time', async () => {
    const scope = new Scope({ cleanupTimeoutMs: 60_000 });
    scope.onClose(() => sleep(5));
    const before = pendingTimers();
    await scope.close();
    expect(pendingTimers()).toBeLessThanOrEqual(before);
  });

  it('reports a cleanup that joined the close and fails later', async () => {
    const { scope, reported } = collectingScope({ name: 'joiner' });
    scope.onClose(async () => {
      await scope.close();
      throw new Error('failed after joining');
    });
    const { errors } = await scope.close();
    expect(errors).toEqual([]);
    await sleep(0);
    expect(reported.map((error) => error.message)).toEqual(['an anonymous cleanup function in scope "joiner" threw: failed after joining']);
  });

  it('`await using` throws only when a cleanup failed and nobody handles errors', async () => {
    await expect(
      (async () => {
        await using scope = new Scope();
        scope.onClose(() => undefined);
      })(),
    ).resolves.toBeUndefined();
    const reported: TpaError[] = [];
    await expect(
      (async () => {
        await using scope = new Scope({ onError: (error) => reported.push(error) });
        scope.onClose(() => {
          throw new Error('handled');
        });
      })(),
    ).resolves.toBeUndefined();
    expect(reported).toHaveLength(1);
  });
});

describe('ScopeCleanupError', () => {
  it('shows the first three failures, counts the rest, and keeps the first as its cause', async () => {
    const { scope, reported } = collectingScope({ name: 'many' });
    for (const n of [5, 4, 3, 2, 1]) {
      scope.onClose(() => {
        throw new Error(`failure ${n}`);
      });
    }
    const { errors } = await scope.close();
    const error = reported[0] as ScopeCleanupError;
    expect(error.message).toBe(
      '5 cleanup(s) of scope "many" failed: an anonymous cleanup function: failure 1; an anonymous cleanup function: failure 2; an anonymous cleanup function: failure 3; and 2 more',
    );
    expect(error.cause).toBe(errors[0]);
    expect(error.errors).toEqual(errors);
  });

  it('says "a cleanup" when it does not know what failed, and shows a thrown string', () => {
    const error = new ScopeCleanupError('s', ['plain', new Error('e')]);
    expect(error.message).toBe('2 cleanup(s) of scope "s" failed: a cleanup: plain; a cleanup: e');
  });
});

describe('DisposableSlot and DisposableMap edges', () => {
  it('a slot keeps a value set twice and never releases the value it holds', () => {
    const slot = new DisposableSlot<Connection>();
    const connection = new Connection();
    slot.value = connection;
    slot.value = connection;
    expect(connection.released).toBe(0);
    expect(slot.value).toBe(connection);
  });

  it('a map keeps a value set twice under one key; delete() of a missing key is false', () => {
    const map = new DisposableMap<string, Connection>();
    const connection = new Connection();
    map.set('a', connection).set('a', connection);
    expect(connection.released).toBe(0);
    expect(map.delete('missing')).toBe(false);
    map[Symbol.dispose]();
    expect(connection.released).toBe(1);
  });

  it('a disposed map names itself when several values fail, and keeps the first failure as the cause', () => {
    const map = new DisposableMap<string, () => void>();
    const first = new Error('first');
    map.set('a', () => {
      throw new Error('second');
    });
    map.set('b', () => {
      throw first;
    });
    let thrown: unknown;
    try {
      map[Symbol.dispose]();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DisposeError);
    expect((thrown as DisposeError).message).toBe('2 value(s) of a DisposableMap failed to release; first: first');
    expect((thrown as DisposeError).cause).toBe(first);
  });

  it('turns an async release that rejects into a process warning', async () => {
    const map = new DisposableMap<string, AsyncDisposable>();
    map.set('a', { [Symbol.asyncDispose]: () => Promise.reject(new Error('async release failed')) });
    const warning = nextWarning();
    map.delete('a');
    expect((await warning).message).toBe('async release failed');
  });

  it('names an anonymous disposer "disposer"', () => {
    expect(toDisposable(() => undefined, '').name).toBe('disposer');
  });
});

describe('OpenScopeRegistry', () => {
  it('remembers where each open scope was created, and forgets them all on clear()', async () => {
    const registry = new OpenScopeRegistry();
    const previous = setScopeTracker(registry);
    try {
      const scope = new Scope({ name: 'tracked' });
      const [open] = registry.openScopes();
      expect(open?.name).toBe('tracked');
      expect(open?.createdAt).toContain('scope created here');
      expect(open?.createdAt).toContain('scope-edges.test.ts');
      registry.clear();
      expect(registry.openScopes()).toEqual([]);
      await scope.close();
    } finally {
      setScopeTracker(previous);
    }
  });
});
