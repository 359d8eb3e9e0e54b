import { expect } from 'vitest';
import { installLeakCheck, type LeakCheck } from '@tpa/sdk/testing';
import { activeResources, countUncollected, settleToBaseline, trackTimers, type ResourceCounts } from '../../src/resource-probe.js';
import { eventually } from './waiting.js';

/** The test runner's own timers (a test's timeout) are not the test's to clean up. */
const RUNNER_FRAMES = /[\\/](vitest|@vitest|tinypool)[\\/]/;

/**
 * What a fault test opened, closed last-first at its end, followed by the leak checks every such
 * test makes: no scope left open, no socket or server above what there was before, no timer made
 * during the test still pending, and every session the app was given collectable.
 */
export class TestResources {
  readonly #closers: Array<() => Promise<unknown>> = [];
  readonly #sessionLists: Array<readonly WeakRef<object>[]> = [];
  readonly #leaks: LeakCheck = installLeakCheck();
  readonly #baseline: ResourceCounts = activeResources();
  readonly #timers = trackTimers({ stacks: true, ignore: RUNNER_FRAMES });

  /** Closes `thing` at the end of the test; returns it. */
  own<T extends { close?: () => Promise<unknown>; stop?: () => Promise<unknown> }>(thing: T): T {
    this.#closers.push(() => (thing.stop ? thing.stop() : (thing.close?.() ?? Promise.resolve())));
    return thing;
  }

  /** Checks at the end that the sessions in `refs` (a list that may still grow) were collected. */
  watchSessions(refs: readonly WeakRef<object>[]): void {
    this.#sessionLists.push(refs);
  }

  async closeAndCheck(): Promise<void> {
    try {
      for (const close of this.#closers.reverse()) await close();
      this.#leaks.uninstallAndAssert();
      expect(await settleToBaseline(this.#baseline), 'handles still alive beyond those before the test').toEqual({});
      await eventually(() => this.#timers.count() === 0, 'every timer made during the test to be gone', 200).catch(() => undefined);
      expect(this.#timers.pending(), 'timers made during the test and still pending').toEqual([]);
    } finally {
      this.#timers.stop();
    }
    expect(await countUncollected(this.#sessionLists.flat()), 'sessions still reachable after they ended').toBe(0);
  }
}
