import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import {
  CallbackError,
  CleanupTimeoutError,
  DisposableMap,
  DisposableSlot,
  Scope,
  ScopeCleanupError,
  ScopeClosedError,
  toDisposable,
  type TpaError,
} from '@tpa/sdk';
import { OpenScopeRegistry, setScopeTracker } from '@tpa/sdk/testing';
import { eventually } from '../session/helpers.js';

/** Timers that are set and keep the process alive, as Node counts them. */
function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

function collectingScope(name = 'test', cleanupTimeoutMs?: number): { scope: Scope; reported: TpaError[] } {
  const reported: TpaError[] = [];
  const scope = new Scope({ name, onError: (error) => reported.push(error), ...(cleanupTimeoutMs ? { cleanupTimeoutMs } : {}) });
  return { scope, reported };
}

describe('Scope', () => {
  it('releases every kind of resource, last added first, and add() returns what it was given', async () => {
    const { scope } = collectingScope();
    const order: string[] = [];
    const fn = scope.add(() => order.push('function'));
    expect(typeof fn).toBe('function');
    scope.add({ [Symbol.dispose]: () => order.push('disposable') });
    scope.add({ [Symbol.asyncDispose]: async () => void order.push('async disposable') });
    scope.add({ dispose: () => order.push('dispose method') });
    const controller = scope.add(new AbortController());
    controller.signal.addEventListener('abort', () => order.push('abort'));
    await scope.close();
    expect(order).toEqual(['abort', 'dispose method', 'async disposable', 'disposable', 'function']);
    expect(scope.state).toBe('closed');
  });

  it('tells each cleanup why it closed, and aborts its signal with that reason', async () => {
    const { scope } = collectingScope();
    const reasons: unknown[] = [];
    scope.onClose((reason) => reasons.push(reason));
    const signal = scope.signal;
    const reason = { kind: 'stopped_by_user', message: 'App stopped by user' };
    await scope.close(reason);
    expect(reasons).toEqual([reason]);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(scope.closeReason).toBe(reason);
  });

  it('closes at most once: later calls return the same promise', async () => {
    const { scope } = collectingScope();
    const cleanup = vi.fn();
    scope.add(cleanup);
    const first = scope.close();
    const second = scope.close({ kind: 'other' });
    expect(second).toBe(first);
    await first;
    await scope.close();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(scope.closeReason?.kind).toBe('disposed');
  });

  it('goes on past throwing cleanups and reports every error together', async () => {
    const { scope, reported } = collectingScope();
    const ran: string[] = [];
    scope.add(() => ran.push('first added'));
    scope.add(() => {
      throw new Error('boom 1');
    });
    scope.add(async () => {
      throw new Error('boom 2');
    });
    const result = await scope.close();
    expect(ran).toEqual(['first added']);
    expect(result.errors.map((error) => (error as Error).message)).toEqual(['boom 2', 'boom 1']);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(ScopeCleanupError);
    expect((reported[0] as ScopeCleanupError).errors).toHaveLength(2);
  });

  it('bounds a hanging async cleanup and goes on', async () => {
    const { scope } = collectingScope('hangs', 50);
    const ran = vi.fn();
    scope.add(ran);
    scope.add(() => new Promise(() => undefined));
    const started = Date.now();
    const result = await scope.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ran).toHaveBeenCalledOnce();
    expect(result.errors[0]).toBeInstanceOf(CleanupTimeoutError);
    expect((result.errors[0] as CleanupTimeoutError).code).toBe('CLEANUP_TIMEOUT');
  });

  it('awaits async cleanups in order', async () => {
    const { scope } = collectingScope();
    const order: string[] = [];
    scope.add(() => order.push('second'));
    scope.add(async () => {
      await sleep(20);
      order.push('first');
    });
    await scope.close();
    expect(order).toEqual(['first', 'second']);
  });

  it('releases a resource added after close at once and reports the mistake', async () => {
    const { scope, reported } = collectingScope('late');
    await scope.close();
    const cleanup = vi.fn();
    scope.add(cleanup);
    expect(cleanup).toHaveBeenCalledOnce();
    const fired = vi.fn();
    scope.setTimeout(fired, 1);
    await sleep(20);
    expect(fired).not.toHaveBeenCalled();
    expect(reported.map((error) => error.code)).toEqual(['SCOPE_CLOSED', 'SCOPE_CLOSED']);
    expect(reported[0]).toBeInstanceOf(ScopeClosedError);
    expect(reported[0]?.message).toMatch(/scope "late" while it was closed/);
  });

  it('owns timers: forgotten once fired, errors reported', async () => {
    const { scope, reported } = collectingScope();
    const fired = vi.fn();
    scope.setTimeout(fired, 5);
    scope.setTimeout(() => {
      throw new Error('timer exploded');
    }, 1);
    await eventually(() => fired.mock.calls.length === 1 && reported.length === 1, 1_000, 'both timers to fire');
    expect(scope.size).toBe(0);
    expect(reported[0]).toBeInstanceOf(CallbackError);
    expect(reported[0]?.message).toMatch(/timer exploded/);
    await scope.close();
  });

  it('clears its timers on close: none is pending after, none fires past its time', async () => {
    const { scope } = collectingScope();
    const pendingBefore = pendingTimers();
    const ticks = vi.fn();
    scope.setInterval(ticks, 5);
    await eventually(() => ticks.mock.calls.length > 0, 1_000, 'the interval to tick');
    const due = vi.fn();
    // Due in 10 ms; the close below involves no timer, so it comes first.
    scope.setTimeout(due, 10);
    await scope.close();
    expect(pendingTimers()).toBeLessThanOrEqual(pendingBefore);
    const ticksAtClose = ticks.mock.calls.length;
    // Set after the timer and due later, so it fires after the timer would have.
    await sleep(30);
    expect(due).not.toHaveBeenCalled();
    expect(ticks.mock.calls.length).toBe(ticksAtClose);
  });

  it('runs nothing it owns once closing started: a timer due while a slow cleanup runs does not fire', async () => {
    const { scope } = collectingScope();
    const due = vi.fn();
    scope.setTimeout(due, 5);
    // Added last, so released first: the timer is still set while this cleanup waits for a
    // timer due after it, so the scope's timer comes due during the close.
    scope.onClose(() => sleep(20));
    await scope.close();
    expect(due).not.toHaveBeenCalled();
  });

  it('clearTimer clears and forgets', async () => {
    const { scope } = collectingScope();
    const fired = vi.fn();
    const timer = scope.setTimeout(fired, 10);
    scope.clearTimer(timer);
    expect(scope.size).toBe(0);
    await sleep(30);
    expect(fired).not.toHaveBeenCalled();
    await scope.close();
  });

  it('listens on EventEmitters and EventTargets until closed or disposed', async () => {
    const { scope, reported } = collectingScope();
    const emitter = new EventEmitter();
    const target = new EventTarget();
    const heard: string[] = [];
    scope.listen(emitter, 'ping', (value: string) => heard.push(`emitter ${value}`));
    scope.listen(target, 'ping', () => heard.push('target'));
    const dispose = scope.listen(emitter, 'other', () => heard.push('other'));
    scope.listen(emitter, 'bad', () => {
      throw new Error('listener threw');
    });
    emitter.emit('ping', 'a');
    target.dispatchEvent(new Event('ping'));
    emitter.emit('bad');
    dispose();
    emitter.emit('other');
    expect(heard).toEqual(['emitter a', 'target']);
    expect(reported[0]?.code).toBe('CALLBACK_FAILED');
    expect(emitter.listenerCount('other')).toBe(0);
    await scope.close();
    expect(emitter.listenerCount('ping')).toBe(0);
    expect(emitter.listenerCount('bad')).toBe(0);
    target.dispatchEvent(new Event('ping'));
    expect(heard).toHaveLength(2);
  });

  it('closes children with the parent (same reason); a child closed first leaves the parent', async () => {
    const { scope } = collectingScope('parent');
    const child = scope.child('child');
    const grandchild = child.child('grandchild');
    const reasons: string[] = [];
    grandchild.onClose((reason) => reasons.push(`grandchild ${reason.kind}`));
    child.onClose((reason) => reasons.push(`child ${reason.kind}`));
    const early = scope.child('early');
    await early.close();
    expect(scope.size).toBe(1);
    await scope.close({ kind: 'server_shutdown' });
    // LIFO within the child: its onClose was added after the grandchild.
    expect(reasons).toEqual(['child server_shutdown', 'grandchild server_shutdown']);
    expect(child.state).toBe('closed');
  });

  it('runs synchronous cleanups synchronously with `using`', () => {
    const cleanup = vi.fn();
    {
      using scope = new Scope({ name: 'sync' });
      scope.add(cleanup);
    }
    expect(cleanup).toHaveBeenCalledOnce();
  });

  it('throws a failed close from `await using` when nobody handles errors', async () => {
    const attempt = async (): Promise<void> => {
      await using scope = new Scope({ name: 'strict' });
      scope.add(() => {
        throw new Error('nope');
      });
    };
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await expect(attempt()).rejects.toBeInstanceOf(ScopeCleanupError);
      // Without an onError the failure is also a process warning, so a plain close() is not silent.
      expect(warn).toHaveBeenCalledWith(expect.any(ScopeCleanupError));
    } finally {
      warn.mockRestore();
    }
  });

  it('reports scopes left open to an installed tracker', async () => {
    const registry = new OpenScopeRegistry();
    const previous = setScopeTracker(registry);
    try {
      const leaked = new Scope({ name: 'leaked' });
      const closed = new Scope({ name: 'closed' });
      await closed.close();
      expect(registry.openScopes().map((entry) => entry.name)).toEqual(['leaked']);
      await leaked.close();
      expect(registry.openScopes()).toEqual([]);
    } finally {
      setScopeTracker(previous);
    }
  });
});

describe('toDisposable', () => {
  it('runs once however it is called', () => {
    const fn = vi.fn();
    const disposer = toDisposable(fn);
    disposer();
    disposer.dispose();
    disposer[Symbol.dispose]();
    expect(fn).toHaveBeenCalledOnce();
  });
});

describe('DisposableSlot and DisposableMap', () => {
  it('a slot releases the value it replaces, and everything once disposed', () => {
    const slot = new DisposableSlot<() => void>();
    const first = vi.fn();
    const second = vi.fn();
    slot.value = first;
    slot.value = second;
    expect(first).toHaveBeenCalledOnce();
    slot[Symbol.dispose]();
    expect(second).toHaveBeenCalledOnce();
    const late = vi.fn();
    slot.value = late;
    expect(late).toHaveBeenCalledOnce();
    expect(slot.value).toBeUndefined();
  });

  it('a map releases overwritten and deleted values, and all values on dispose', () => {
    const map = new DisposableMap<string, () => void>();
    const a1 = vi.fn();
    const a2 = vi.fn();
    const b = vi.fn();
    map.set('a', a1).set('a', a2).set('b', b);
    expect(a1).toHaveBeenCalledOnce();
    expect(map.delete('b')).toBe(true);
    expect(b).toHaveBeenCalledOnce();
    expect(map.take('a')).toBe(a2);
    map.set('a', a2);
    map[Symbol.dispose]();
    expect(a2).toHaveBeenCalledOnce();
    expect(map.size).toBe(0);
  });
});
