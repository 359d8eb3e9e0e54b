import { describe, expect, it } from 'vitest';
import { DisposableMap, DisposableSlot, toDisposable } from '@tpa/sdk';

/** A value that records its release, and throws while releasing when told to. */
function value(name: string, released: string[], throws = false): Disposable {
  return {
    [Symbol.dispose]() {
      released.push(name);
      if (throws) throw new Error(`${name} failed to release`);
    },
  };
}

describe('DisposableMap', () => {
  it('releases every value when one of them throws, then reports every failure together', () => {
    const released: string[] = [];
    const map = new DisposableMap<string, Disposable>();
    map.set('a', value('a', released));
    map.set('b', value('b', released, true));
    map.set('c', value('c', released));
    map.set('d', value('d', released, true));
    let thrown: unknown;
    try {
      map[Symbol.dispose]();
    } catch (error) {
      thrown = error;
    }
    // Last added first, and a throwing value does not stop the ones after it.
    expect(released).toEqual(['d', 'c', 'b', 'a']);
    expect(map.size).toBe(0);
    expect(thrown).toMatchObject({ code: 'DISPOSE_FAILED' });
    expect((thrown as { errors: Error[] }).errors.map((error) => error.message)).toEqual(['d failed to release', 'b failed to release']);
  });

  it('keeps a consistent state when a replaced or deleted value throws', () => {
    const released: string[] = [];
    const map = new DisposableMap<string, Disposable>();
    map.set('a', value('old', released, true));
    expect(() => map.set('a', value('new', released))).toThrow('old failed to release');
    expect(map.has('a')).toBe(true);
    expect(() => map.delete('a')).not.toThrow();
    expect(map.size).toBe(0);
    expect(released).toEqual(['old', 'new']);
  });

  it('releases a value set after it was disposed at once', () => {
    const released: string[] = [];
    const map = new DisposableMap<string, Disposable>();
    map[Symbol.dispose]();
    map.set('late', value('late', released));
    expect(released).toEqual(['late']);
    expect(map.size).toBe(0);
  });
});

describe('DisposableSlot', () => {
  it('is disposed even when its value throws while releasing', () => {
    const released: string[] = [];
    const slot = new DisposableSlot<Disposable>();
    slot.value = value('first', released, true);
    expect(() => slot[Symbol.dispose]()).toThrow('first failed to release');
    // Disposed for good: a later value is released at once, never kept.
    slot.value = value('second', released);
    expect(slot.value).toBeUndefined();
    expect(released).toEqual(['first', 'second']);
  });

  it('holds the new value when the one it replaces throws', () => {
    const released: string[] = [];
    const slot = new DisposableSlot<Disposable>();
    slot.value = value('first', released, true);
    const second = value('second', released);
    expect(() => (slot.value = second)).toThrow('first failed to release');
    expect(slot.value).toBe(second);
  });
});

describe('toDisposable', () => {
  it('runs its function once and names it after the function it wraps', () => {
    let runs = 0;
    const disposer = toDisposable(function closeDatabase() {
      runs++;
    });
    disposer();
    disposer.dispose();
    disposer[Symbol.dispose]();
    expect(runs).toBe(1);
    expect(disposer.name).toBe('closeDatabase');
  });
});
