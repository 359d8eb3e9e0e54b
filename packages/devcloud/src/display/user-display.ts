import { layouts } from '@tpa/sdk/protocol';
import {
  isShownView,
  SHOWN_VIEWS,
  type DisplayChange,
  type DisplayHistoryEntry,
  type DisplayRequest,
  type DisplaySnapshot,
  type ShownView,
  type ViewState,
} from './view-state.js';

/** The cloud's throttle: one `main` update per app per 300 ms. */
export const DISPLAY_THROTTLE_MS = 300;
/** How many past displays a user's history keeps by default. */
export const DEFAULT_HISTORY_LIMIT = 200;
/** How many recent displays per view are remembered as candidates to restore after an expiry. */
const RESTORE_CANDIDATES = 20;

export interface UserDisplayOptions {
  readonly throttleMs?: number;
  readonly historyLimit?: number;
  /** Called after every change of a view. */
  readonly onChange: (change: DisplayChange) => void;
  readonly now?: () => number;
}

/** What became of a display request. */
export type SubmitOutcome = 'shown' | 'throttled' | 'ignored';

interface ShownEntry {
  readonly state: ViewState;
  readonly expiresAtMs: number | null;
}

interface PendingUpdate {
  request: DisplayRequest;
  readonly timer: NodeJS.Timeout;
}

/**
 * The glasses display of one user, as the cloud models it: what each view shows and who drew it,
 * a per-app throttle on `main` that keeps only the newest pending update, expiry that restores
 * the previous still-valid display (or clears the view with an empty text wall), and a capped
 * history of everything shown. Owns its timers: {@link dispose} clears them all.
 */
export class UserDisplay {
  readonly userId: string;
  private readonly throttleMs: number;
  private readonly historyLimit: number;
  private readonly onChange: (change: DisplayChange) => void;
  private readonly now: () => number;
  private readonly current = new Map<ShownView, ShownEntry>();
  private readonly recent = new Map<ShownView, ShownEntry[]>();
  private readonly expiryTimers = new Map<ShownView, NodeJS.Timeout>();
  private readonly lastMainShownAt = new Map<string, number>();
  private readonly pending = new Map<string, PendingUpdate>();
  private readonly shownHistory: DisplayHistoryEntry[] = [];
  private disposed = false;

  constructor(userId: string, options: UserDisplayOptions) {
    this.userId = userId;
    this.throttleMs = options.throttleMs ?? DISPLAY_THROTTLE_MS;
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.onChange = options.onChange;
    this.now = options.now ?? Date.now;
  }

  /** Shows a request now, or holds it back by the throttle; views other than main and dashboard are ignored. */
  submit(request: DisplayRequest): SubmitOutcome {
    if (this.disposed || !isShownView(request.view)) return 'ignored';
    const bypassesThrottle = request.view === 'dashboard' || request.forceDisplay === true;
    if (bypassesThrottle) {
      // A forced update is newer than anything the app has pending: the pending one must not overwrite it later.
      if (request.view === 'main') this.cancelPending(request.packageName);
      this.show(request.view, request);
      return 'shown';
    }
    const lastShownAt = this.lastMainShownAt.get(request.packageName);
    const waitMs = lastShownAt === undefined ? 0 : lastShownAt + this.throttleMs - this.now();
    if (waitMs <= 0 && !this.pending.has(request.packageName)) {
      this.show('main', request);
      return 'shown';
    }
    const pending = this.pending.get(request.packageName);
    if (pending) {
      pending.request = request;
    } else {
      const timer = setTimeout(() => this.flushPending(request.packageName), Math.max(waitMs, 0));
      this.pending.set(request.packageName, { request, timer });
    }
    return 'throttled';
  }

  /** What each view shows now. */
  snapshot(): DisplaySnapshot {
    return { userId: this.userId, views: { main: this.stateOf('main'), dashboard: this.stateOf('dashboard') } };
  }

  /** Everything shown, oldest first, capped. */
  history(): DisplayHistoryEntry[] {
    return [...this.shownHistory];
  }

  /** An app stopped: forget its pending updates and past displays, and take its layouts off the views. */
  removeApp(packageName: string): void {
    this.cancelPending(packageName);
    this.lastMainShownAt.delete(packageName);
    for (const view of SHOWN_VIEWS) {
      this.recent.set(
        view,
        (this.recent.get(view) ?? []).filter((entry) => entry.state.packageName !== packageName),
      );
      if (this.current.get(view)?.state.packageName === packageName) {
        if (!this.restorePrevious(view)) this.setNothing(view);
      }
    }
  }

  /** Clears every timer; the display accepts nothing afterwards. */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private stateOf(view: ShownView): ViewState | null {
    return this.current.get(view)?.state ?? null;
  }

  private flushPending(packageName: string): void {
    const pending = this.pending.get(packageName);
    if (!pending) return;
    this.pending.delete(packageName);
    this.show('main', pending.request);
  }

  private cancelPending(packageName: string): void {
    const pending = this.pending.get(packageName);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(packageName);
  }

  private show(view: ShownView, request: DisplayRequest): void {
    const now = this.now();
    // `expiresAt = durationMs ? now + durationMs : undefined` (DisplayManager6.1.ts L324 at 75f9793f; c1f57fc3 L822):
    // 0 or none never expires, and -1 is truthy, so it expires at once and is never restored.
    const durationMs = request.durationMs ? request.durationMs : null;
    const expiresAtMs = durationMs === null ? null : now + durationMs;
    const entry: ShownEntry = {
      state: {
        layout: request.layout,
        packageName: request.packageName,
        shownAt: new Date(now).toISOString(),
        durationMs,
        expiresAt: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString(),
      },
      expiresAtMs,
    };
    if (view === 'main') this.lastMainShownAt.set(request.packageName, now);
    this.remember(view, entry);
    this.put(view, entry);
  }

  /** Puts an entry on a view: records it, (re)arms the view's expiry and tells the listener. */
  private put(view: ShownView, entry: ShownEntry): void {
    this.current.set(view, entry);
    this.shownHistory.push({ view, layout: entry.state.layout, packageName: entry.state.packageName, at: entry.state.shownAt });
    if (this.shownHistory.length > this.historyLimit) this.shownHistory.splice(0, this.shownHistory.length - this.historyLimit);
    this.armExpiry(view, entry);
    this.onChange({ userId: this.userId, view, state: entry.state });
  }

  private remember(view: ShownView, entry: ShownEntry): void {
    const list = this.recent.get(view) ?? [];
    list.push(entry);
    if (list.length > RESTORE_CANDIDATES) list.splice(0, list.length - RESTORE_CANDIDATES);
    this.recent.set(view, list);
  }

  private armExpiry(view: ShownView, entry: ShownEntry): void {
    const previous = this.expiryTimers.get(view);
    if (previous) clearTimeout(previous);
    this.expiryTimers.delete(view);
    if (entry.expiresAtMs === null) return;
    const timer = setTimeout(() => this.expire(view, entry), Math.max(entry.expiresAtMs - this.now(), 0));
    this.expiryTimers.set(view, timer);
  }

  private expire(view: ShownView, entry: ShownEntry): void {
    this.expiryTimers.delete(view);
    if (this.current.get(view) !== entry) return;
    if (this.restorePrevious(view)) return;
    // Nothing left to go back to: the cloud clears the view with an empty text wall.
    const cleared: ShownEntry = {
      state: {
        layout: layouts.empty(),
        packageName: entry.state.packageName,
        shownAt: new Date(this.now()).toISOString(),
        durationMs: null,
        expiresAt: null,
      },
      expiresAtMs: null,
    };
    this.put(view, cleared);
  }

  /** Shows again the newest earlier display of this view that has not expired; false when there is none. */
  private restorePrevious(view: ShownView): boolean {
    const now = this.now();
    const showing = this.current.get(view);
    const list = (this.recent.get(view) ?? []).filter(
      (entry) => entry !== showing && (entry.expiresAtMs === null || entry.expiresAtMs > now),
    );
    this.recent.set(view, list);
    const candidate = list.pop();
    if (!candidate) return false;
    const restored: ShownEntry = {
      state: { ...candidate.state, shownAt: new Date(now).toISOString() },
      expiresAtMs: candidate.expiresAtMs,
    };
    list.push(restored);
    this.put(view, restored);
    return true;
  }

  private setNothing(view: ShownView): void {
    const timer = this.expiryTimers.get(view);
    if (timer) clearTimeout(timer);
    this.expiryTimers.delete(view);
    this.current.delete(view);
    this.onChange({ userId: this.userId, view, state: null });
  }
}
