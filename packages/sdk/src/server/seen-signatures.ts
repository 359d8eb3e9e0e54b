/** How many signatures a server remembers at most, by default (50,000 within 5 minutes is over 160 a second). */
export const DEFAULT_SEEN_SIGNATURES_CAPACITY = 50_000;

/** Whether a signature may be taken: `taken` (now remembered), or why it is refused. */
export type SignatureUse = 'taken' | 'replayed' | 'forgotten';

/**
 * The webhook signatures a server has taken within the replay window, so that a captured request
 * sent again is refused. Memory stays bounded without reopening a replay: a signature leaves once
 * it is past the window (the window refuses it from then on), and past `capacity` the earliest
 * taken leave early, and every signature dated no later than one that left early is refused as
 * `forgotten` (the window narrows while the server is that busy).
 */
export class SeenSignatures {
  readonly #windowMs: number;
  readonly #capacity: number;
  /** Signature to the time it is dated (ms), in the order taken. */
  readonly #seen = new Map<string, number>();
  /** The latest date of a signature that left early; none dated at or before it is taken. */
  #forgottenUpTo = Number.NEGATIVE_INFINITY;

  constructor(windowMs: number, capacity: number = DEFAULT_SEEN_SIGNATURES_CAPACITY) {
    this.#windowMs = windowMs;
    this.#capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Takes `signature` (dated `datedAt` ms) unless it was taken before or may have been forgotten. */
  take(signature: string, datedAt: number, now: number = Date.now()): SignatureUse {
    this.#expireEarliest(now);
    if (this.#seen.has(signature)) return 'replayed';
    if (datedAt <= this.#forgottenUpTo) return 'forgotten';
    if (this.#seen.size >= this.#capacity) this.#makeRoom(now);
    this.#seen.set(signature, datedAt);
    return 'taken';
  }

  #expired(datedAt: number, now: number): boolean {
    return datedAt + this.#windowMs < now;
  }

  /** Drops expired signatures from the front: constant work per call in the usual order. */
  #expireEarliest(now: number): void {
    for (const [signature, datedAt] of this.#seen) {
      if (!this.#expired(datedAt, now)) return;
      this.#seen.delete(signature);
    }
  }

  #makeRoom(now: number): void {
    for (const [signature, datedAt] of this.#seen) if (this.#expired(datedAt, now)) this.#seen.delete(signature);
    for (const [signature, datedAt] of this.#seen) {
      if (this.#seen.size < this.#capacity) return;
      this.#seen.delete(signature);
      this.#forgottenUpTo = Math.max(this.#forgottenUpTo, datedAt);
    }
  }
}

/** The 401 message for a signature that is not taken. */
export const REFUSED_SIGNATURE_USE: Readonly<Record<Exclude<SignatureUse, 'taken'>, string>> = {
  replayed: 'webhook signature was already used: each signed request is taken once (sign a retry again)',
  forgotten: 'webhook signature is older than the oldest this busy server still remembers: sign the request again',
};
