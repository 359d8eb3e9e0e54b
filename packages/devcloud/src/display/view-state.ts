import type { Layout } from '@tpa/sdk/protocol';

/** The views the dev cloud keeps a display for (the spring 2025 cloud knew only these two). */
export const SHOWN_VIEWS = ['main', 'dashboard'] as const;
export type ShownView = (typeof SHOWN_VIEWS)[number];

/** What one view of the glasses shows now. Times are ISO-8601 strings, as on the control API. */
export interface ViewState {
  readonly layout: Layout;
  /** The app that drew it. */
  readonly packageName: string;
  readonly shownAt: string;
  /** How long it was asked to stay, or `null` for "until replaced". */
  readonly durationMs: number | null;
  readonly expiresAt: string | null;
}

/** The whole display of one user. */
export interface DisplaySnapshot {
  readonly userId: string;
  readonly views: { readonly [V in ShownView]: ViewState | null };
}

/** One thing that was shown, for `GET /api/users/:userId/display/history`. */
export interface DisplayHistoryEntry {
  readonly view: ShownView;
  readonly layout: Layout;
  readonly packageName: string;
  readonly at: string;
}

/** A view changed: `state` is what it shows now, `null` when nothing is shown. */
export interface DisplayChange {
  readonly userId: string;
  readonly view: ShownView;
  readonly state: ViewState | null;
}

/** What an app asked to show (a validated `display_event`, minus the wire fields). */
export interface DisplayRequest {
  readonly packageName: string;
  readonly view: string;
  readonly layout: Layout;
  readonly durationMs?: number | undefined;
  readonly forceDisplay?: boolean | undefined;
}

export function isShownView(view: string): view is ShownView {
  return (SHOWN_VIEWS as readonly string[]).includes(view);
}

/** The text a layout shows, its text fields joined by newlines: handy in test predicates. */
export function layoutText(layout: Layout): string {
  switch (layout.layoutType) {
    case 'text_wall':
      return layout.text;
    case 'double_text_wall':
      return `${layout.topText}\n${layout.bottomText}`;
    case 'reference_card':
      return `${layout.title}\n${layout.text}`;
    case 'dashboard_card':
      return `${layout.leftText}\n${layout.rightText}`;
    default:
      return '';
  }
}
