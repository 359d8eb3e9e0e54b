import type { DisplayResult } from '@tpa/sdk';
import type { NotifyDisplayPort } from '@tpa/notify';

export interface DisplayCall {
  readonly at: number;
  readonly text: string;
  readonly durationMs: number;
}

/**
 * A display port that behaves like a session on glasses: it records what was shown when, knows
 * what the wearer sees at any moment, owns its timers, and can be "ended" like a session.
 * Used under Vitest fake timers, so `at` is the fake clock.
 */
export class FakeGlasses implements NotifyDisplayPort {
  /** Set to false to act like a session that has ended: display calls answer `ended`. */
  alive = true;
  /** Set to act like a session waiting to reconnect: display calls answer `queued` (and still count). */
  reconnecting = false;
  /** Set to make every display call throw, like a session that throws on a closed socket. */
  throwOnDisplay: Error | undefined;
  readonly calls: DisplayCall[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  showText(text: string, durationMs: number): DisplayResult {
    if (this.throwOnDisplay) throw this.throwOnDisplay;
    if (!this.alive) return 'ended';
    this.calls.push({ at: Date.now(), text, durationMs });
    return this.reconnecting ? 'queued' : 'sent';
  }

  clear(): DisplayResult {
    if (this.throwOnDisplay) throw this.throwOnDisplay;
    if (!this.alive) return 'ended';
    this.calls.push({ at: Date.now(), text: '', durationMs: -1 });
    return this.reconnecting ? 'queued' : 'sent';
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
    this.#timers.delete(handle as ReturnType<typeof setTimeout>);
  }

  now(): number {
    return Date.now();
  }

  /** Timers made through this port that have neither fired nor been cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** What the wearer sees now: the last text shown, until its duration runs out or the view is cleared. */
  get screen(): string {
    const last = this.calls.at(-1);
    if (last === undefined || last.durationMs < 0) return '';
    return Date.now() < last.at + last.durationMs ? last.text : '';
  }

  /** Every text shown, with when; clears appear as an empty text. */
  get timeline(): { at: number; text: string }[] {
    return this.calls.map(({ at, text }) => ({ at, text }));
  }
}
