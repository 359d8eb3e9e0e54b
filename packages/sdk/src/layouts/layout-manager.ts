import {
  buildDisplayEvent,
  DisplayEventSchema,
  layouts,
  ViewType,
  type DisplayEvent,
  type Layout,
} from '../protocol/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import { InvalidLayoutError } from './errors.js';

export interface DisplayOptions {
  /** `main` (default for every layout but the dashboard card) or `dashboard`. */
  readonly view?: ViewType;
  /**
   * How long to show it, in milliseconds; 0 or -1 for "until replaced" (-1 is sent as no duration,
   * which is what the cloud does when this is omitted).
   */
  readonly durationMs?: number;
  /** Bypass the cloud's 300 ms per-app throttle. */
  readonly forceDisplay?: boolean;
}

/**
 * What became of a display, in the way `ws` names a socket's state:
 * - `sent`: it went out on the live connection;
 * - `queued`: the session has no live connection yet (connecting) or for now (reconnecting); the
 *   newest display of each view is kept and sent once a connection is acknowledged;
 * - `ended`: the session has ended; it will never be shown.
 *
 * All three are truthy strings: test for `=== 'ended'`, not for falsiness.
 */
export type DisplayResult = 'sent' | 'queued' | 'ended';

/** What the layout manager needs from its session. */
export interface DisplayTarget {
  readonly packageName: string;
  /** The session id to put on display events, or `undefined` when there is none yet. */
  sessionId(): string | undefined;
  /** Sends through the live connection if there is one, and says what became of the display. */
  send(message: DisplayEvent): DisplayResult;
  readonly logger?: Logger;
}

/** Called by the session on each acknowledged connection: sends the newest display of each view again. */
export const replayDisplays = Symbol('tpa.replayDisplays');

interface KeptDisplay {
  readonly message: DisplayEvent;
  /** When it was drawn: a duration counts from there, connected or not. */
  readonly drawnAt: number;
}

/**
 * Draws on the glasses. Every method validates its input (throwing {@link InvalidLayoutError} for a
 * programming mistake) and returns a {@link DisplayResult}, never a throw into a timer. The newest
 * display of each view is kept, so that a new connection (the first, or one after a reconnect)
 * shows the current state: each is sent again with what is left of its duration, unless that ran
 * out meanwhile.
 *
 * @example
 * ```ts
 * session.layouts.showReferenceCard('Notify', 'Connected', { durationMs: 3_000 });
 * session.layouts.showDashboardCard('Battery', '80%');
 * ```
 */
export class LayoutManager {
  readonly #target: DisplayTarget;
  /** The newest display of each view; at most one per view. Made on first draw. */
  #kept: Map<ViewType, KeptDisplay> | undefined;
  #warned: DisplayResult | undefined;

  constructor(target: DisplayTarget) {
    this.#target = target;
  }

  showTextWall(text: string, options?: DisplayOptions): DisplayResult {
    return this.show(layouts.textWall(requireText(text, 'text')), options);
  }

  showDoubleTextWall(topText: string, bottomText: string, options?: DisplayOptions): DisplayResult {
    return this.show(layouts.doubleTextWall(requireText(topText, 'topText'), requireText(bottomText, 'bottomText')), options);
  }

  showReferenceCard(title: string, text: string, options?: DisplayOptions): DisplayResult {
    return this.show(layouts.referenceCard(requireText(title, 'title'), requireText(text, 'text')), options);
  }

  /** A two-column card; shown in the `dashboard` view unless `options.view` says otherwise. */
  showDashboardCard(leftText: string, rightText: string, options?: DisplayOptions): DisplayResult {
    return this.show(layouts.dashboardCard(requireText(leftText, 'leftText'), requireText(rightText, 'rightText')), {
      view: ViewType.DASHBOARD,
      ...options,
    });
  }

  /** A bitmap, as base64 data. */
  showBitmapView(data: string, options?: DisplayOptions): DisplayResult {
    return this.show(layouts.bitmapView(requireText(data, 'data')), options);
  }

  /** Clears a view (main by default) the way the cloud itself does: with an empty text wall. */
  clearView(options?: Pick<DisplayOptions, 'view' | 'forceDisplay'>): DisplayResult {
    return this.show(layouts.empty(), options);
  }

  /** Shows any layout; validated against the protocol before it is sent. */
  show(layout: Layout, options: DisplayOptions = {}): DisplayResult {
    const message = buildDisplayEvent({
      packageName: this.#target.packageName,
      sessionId: this.#target.sessionId() ?? '',
      view: options.view ?? ViewType.MAIN,
      layout,
      // -1 ("until replaced") goes out as no duration: the real cloud treats -1 as a duration that
      // has already run out (`expiresAt = durationMs ? now + durationMs : undefined`,
      // DisplayManager6.1.ts L324 at 75f9793f), and the real SDK dropped negative durations.
      durationMs: options.durationMs === -1 ? undefined : options.durationMs,
      forceDisplay: options.forceDisplay,
    });
    const checked = DisplayEventSchema.safeParse(message);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new InvalidLayoutError(`invalid display: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'rejected'}`);
    }
    const result = this.#target.send(message);
    if (result === 'ended') {
      this.#kept = undefined;
    } else {
      this.#kept ??= new Map();
      this.#kept.set(message.view, { message, drawnAt: Date.now() });
    }
    this.#note(result, layout);
    return result;
  }

  /** Sends the newest display of each view again, with what is left of its duration. */
  [replayDisplays](): void {
    if (!this.#kept) return;
    const now = Date.now();
    for (const [view, { message, drawnAt }] of this.#kept) {
      const sessionId = this.#target.sessionId() ?? message.sessionId;
      const { durationMs } = message;
      if (durationMs === undefined || durationMs <= 0) {
        this.#target.send({ ...message, sessionId });
        continue;
      }
      const left = Math.ceil(durationMs - (now - drawnAt));
      if (left > 0) this.#target.send({ ...message, sessionId, durationMs: left });
      else this.#kept.delete(view);
    }
  }

  /** One log line per spell of displays that were not sent. */
  #note(result: DisplayResult, layout: Layout): void {
    if (result === this.#warned || (result === 'sent' && this.#warned === undefined)) return;
    this.#warned = result === 'sent' ? undefined : result;
    if (result === 'sent') return;
    const logger = this.#target.logger ?? silentLogger;
    if (result === 'queued') logger.debug({ layoutType: layout.layoutType }, 'display kept: it is sent once the session is connected');
    else logger.warn({ layoutType: layout.layoutType }, 'display not sent: the session has ended');
  }
}

/**
 * A layout's text. A number, boolean or bigint becomes its string, as the real SDK turned any text
 * into a string (W2); `null`, `undefined`, objects and functions are refused: showing
 * "undefined" or "[object Object]" on the glasses is always a bug.
 */
function requireText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new InvalidLayoutError(`${field} must be a string, got ${value === null ? 'null' : typeof value}`);
}
