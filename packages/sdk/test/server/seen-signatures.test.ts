import { describe, expect, it } from 'vitest';
import { SeenSignatures } from '../../src/server/seen-signatures.js';

const WINDOW_MS = 5 * 60_000;
const signature = (n: number): string => `v1=${n.toString(16).padStart(64, '0')}`;

describe('the signatures a server remembers', () => {
  it('takes a signature once', () => {
    const seen = new SeenSignatures(WINDOW_MS);
    const now = Date.now();
    expect(seen.take(signature(1), now, now)).toBe('taken');
    expect(seen.take(signature(1), now, now + 1_000)).toBe('replayed');
    expect(seen.take(signature(2), now, now + 1_000)).toBe('taken');
  });

  it('forgets a signature once it is past the window, which refuses it from then on', () => {
    const seen = new SeenSignatures(WINDOW_MS);
    const start = Date.now();
    for (let n = 0; n < 100; n++) seen.take(signature(n), start, start);
    expect(seen.size).toBe(100);
    seen.take(signature(1_000), start + WINDOW_MS + 1, start + WINDOW_MS + 1);
    expect(seen.size).toBe(1);
  });

  it('holds at most its capacity; a signature that left early is still refused, and so is anything no newer', () => {
    const seen = new SeenSignatures(WINDOW_MS, 10);
    const start = Date.now();
    for (let n = 0; n < 25; n++) expect(seen.take(signature(n), start + n * 1_000, start + n * 1_000)).toBe('taken');
    expect(seen.size).toBe(10);
    const now = start + 25_000;
    // The first 15 left early: none of them, and nothing dated as early, is taken again.
    expect(seen.take(signature(0), start, now)).toBe('forgotten');
    expect(seen.take(signature(14), start + 14_000, now)).toBe('forgotten');
    expect(seen.take(signature(99), start + 14_000, now)).toBe('forgotten');
    // Those still remembered are replays; a new one dated later is taken.
    expect(seen.take(signature(15), start + 15_000, now)).toBe('replayed');
    expect(seen.take(signature(100), now, now)).toBe('taken');
    expect(seen.size).toBe(10);
  });
});
