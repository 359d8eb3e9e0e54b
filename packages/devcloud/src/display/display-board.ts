import { UserDisplay } from './user-display.js';
import type { DisplayChange, DisplayHistoryEntry, DisplayRequest, DisplaySnapshot } from './view-state.js';
import type { SubmitOutcome } from './user-display.js';

export interface DisplayBoardOptions {
  readonly throttleMs?: number;
  readonly historyLimit?: number;
  readonly onChange: (change: DisplayChange) => void;
}

/** The displays of every user, made on first use. */
export class DisplayBoard {
  private readonly displays = new Map<string, UserDisplay>();
  private readonly options: DisplayBoardOptions;

  constructor(options: DisplayBoardOptions) {
    this.options = options;
  }

  submit(userId: string, request: DisplayRequest): SubmitOutcome {
    return this.displayOf(userId).submit(request);
  }

  /** A user's display; a user who never saw anything has both views empty. */
  snapshot(userId: string): DisplaySnapshot {
    return this.displays.get(userId)?.snapshot() ?? { userId, views: { main: null, dashboard: null } };
  }

  history(userId: string): DisplayHistoryEntry[] {
    return this.displays.get(userId)?.history() ?? [];
  }

  removeApp(userId: string, packageName: string): void {
    this.displays.get(userId)?.removeApp(packageName);
  }

  dispose(): void {
    for (const display of this.displays.values()) display.dispose();
    this.displays.clear();
  }

  private displayOf(userId: string): UserDisplay {
    let display = this.displays.get(userId);
    if (!display) {
      display = new UserDisplay(userId, {
        onChange: this.options.onChange,
        ...(this.options.throttleMs !== undefined ? { throttleMs: this.options.throttleMs } : {}),
        ...(this.options.historyLimit !== undefined ? { historyLimit: this.options.historyLimit } : {}),
      });
      this.displays.set(userId, display);
    }
    return display;
  }
}
