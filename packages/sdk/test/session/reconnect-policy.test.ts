import { describe, expect, it } from 'vitest';
// Internals of the reconnect policy, not part of the public API.
import { backoffDelay, DEFAULT_RECONNECT } from '../../src/session/reconnect-policy.js';

describe('backoff with full jitter', () => {
  const policy = { ...DEFAULT_RECONNECT, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('draws between 0 and a ceiling that doubles per attempt, up to the maximum', () => {
    const highest = { ...policy, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, highest))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(0);
  });

  it('spreads attempts out (no lockstep) with the default random source', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeLessThan(800);
  });
});
