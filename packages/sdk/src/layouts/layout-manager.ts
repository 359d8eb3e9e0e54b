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
  /** How long to show it: milliseconds, or -1 (the default when omitted is the cloud's: until replaced). */
  readonly durationMs?: number;
  /** Bypass the cloud's 300 ms per-app throttle. */
  readonly forceDisplay?: boolean;
}

/** What the layout manager needs from its session. */
export interface DisplayTarget {
  readonly packageName: string;
  /** The session id to put on display events, or `undefined` when there is none yet. */
  sessionId(): string | undefined;
  /** Sends through the live connection; `false` when there is none. */
  send(message: DisplayEvent): boolean;
  readonly logger?: Logger;
}

/**
 * Draws on the glasses. Every method validates its input (throwing {@link InvalidLayoutError} for a
 * programming mistake) and returns whether the display was sent: `false`, with one log line per
 * disconnected spell, when the session has no live connection — never a throw into a timer.
 *
 * @example
 * ```ts
 * session.layouts.showReferenceCard('Notify', 'Connected', { durationMs: 3_000 });
 * session.layouts.showDashboardCard('Battery', '80%');
 * ```
 */
export class LayoutManager {
  readonly #target: DisplayTarget;
  #warnedOffline = false;

  constructor(target: DisplayTarget) {
    this.#target = target;
  }

  showTextWall(text: string, options?: DisplayOptions): boolean {
    return this.show(layouts.textWall(requireText(text, 'text')), options);
  }

  showDoubleTextWall(topText: string, bottomText: string, options?: DisplayOptions): boolean {
    return this.show(layouts.doubleTextWall(requireText(topText, 'topText'), requireText(bottomText, 'bottomText')), options);
  }

  showReferenceCard(title: string, text: string, options?: DisplayOptions): boolean {
    return this.show(layouts.referenceCard(requireText(title, 'title'), requireText(text, 'text')), options);
  }

  /** A two-column card; shown in the `dashboard` view unless `options.view` says otherwise. */
  showDashboardCard(leftText: string, rightText: string, options?: DisplayOptions): boolean {
    return this.show(layouts.dashboardCard(requireText(leftText, 'leftText'), requireText(rightText, 'rightText')), {
      view: ViewType.DASHBOARD,
      ...options,
    });
  }

  /** A bitmap, as base64 data. */
  showBitmapView(data: string, options?: DisplayOptions): boolean {
    return this.show(layouts.bitmapView(requireText(data, 'data')), options);
  }

  /** Clears a view (main by default) the way the cloud itself does: with an empty text wall. */
  clearView(options?: Pick<DisplayOptions, 'view' | 'forceDisplay'>): boolean {
    return this.show(layouts.empty(), options);
  }

  /** Shows any layout; validated against the protocol before it is sent. */
  show(layout: Layout, options: DisplayOptions = {}): boolean {
    const message = buildDisplayEvent({
      packageName: this.#target.packageName,
      sessionId: this.#target.sessionId() ?? '',
      view: options.view ?? ViewType.MAIN,
      layout,
      durationMs: options.durationMs,
      forceDisplay: options.forceDisplay,
    });
    const checked = DisplayEventSchema.safeParse(message);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new InvalidLayoutError(`invalid display: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'rejected'}`);
    }
    if (this.#target.send(message)) {
      this.#warnedOffline = false;
      return true;
    }
    if (!this.#warnedOffline) {
      this.#warnedOffline = true;
      (this.#target.logger ?? silentLogger).warn({ layoutType: layout.layoutType }, 'display not sent: the session has no live connection');
    }
    return false;
  }
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new InvalidLayoutError(`${field} must be a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}
