import { z } from 'zod';

export const ViewType = {
  MAIN: 'main',
  DASHBOARD: 'dashboard',
  /** Added by the later cloud; the spring 2025 cloud knows only `main` and `dashboard`. */
  ALWAYS_ON: 'always_on',
} as const;
export type ViewType = (typeof ViewType)[keyof typeof ViewType];
export const ViewTypeSchema = z.enum([ViewType.MAIN, ViewType.DASHBOARD, ViewType.ALWAYS_ON]);

export const LayoutType = {
  TEXT_WALL: 'text_wall',
  DOUBLE_TEXT_WALL: 'double_text_wall',
  REFERENCE_CARD: 'reference_card',
  DASHBOARD_CARD: 'dashboard_card',
  BITMAP_VIEW: 'bitmap_view',
  /** Later dialect only. */
  BITMAP_ANIMATION: 'bitmap_animation',
  /** Later dialect only: the SDK clears a view with an empty `text_wall`, which every cloud shows. */
  CLEAR_VIEW: 'clear_view',
} as const;
export type LayoutType = (typeof LayoutType)[keyof typeof LayoutType];

export const TextWallSchema = z.looseObject({ layoutType: z.literal(LayoutType.TEXT_WALL), text: z.string() });
export const DoubleTextWallSchema = z.looseObject({
  layoutType: z.literal(LayoutType.DOUBLE_TEXT_WALL),
  topText: z.string(),
  bottomText: z.string(),
});
export const ReferenceCardSchema = z.looseObject({
  layoutType: z.literal(LayoutType.REFERENCE_CARD),
  title: z.string(),
  text: z.string(),
});
export const DashboardCardSchema = z.looseObject({
  layoutType: z.literal(LayoutType.DASHBOARD_CARD),
  leftText: z.string(),
  rightText: z.string(),
});
/** The largest bitmap the real SDK accepted, in characters of its (base64) data. */
export const MAX_BITMAP_CHARS = 1024 * 1024;

export const BitmapViewSchema = z.looseObject({
  layoutType: z.literal(LayoutType.BITMAP_VIEW),
  // W10: the real SDK only checked that bitmap data is a string under 1 MB (PROTOCOL.md §11).
  data: z.string().max(MAX_BITMAP_CHARS),
});
export const BitmapAnimationSchema = z.looseObject({
  layoutType: z.literal(LayoutType.BITMAP_ANIMATION),
  frames: z.array(z.base64()),
  interval: z.number().positive(),
  repeat: z.boolean(),
});
export const ClearViewSchema = z.looseObject({ layoutType: z.literal(LayoutType.CLEAR_VIEW) });

export const LayoutSchema = z.discriminatedUnion('layoutType', [
  TextWallSchema,
  DoubleTextWallSchema,
  ReferenceCardSchema,
  DashboardCardSchema,
  BitmapViewSchema,
  BitmapAnimationSchema,
  ClearViewSchema,
]);

export type TextWall = z.infer<typeof TextWallSchema>;
export type DoubleTextWall = z.infer<typeof DoubleTextWallSchema>;
export type ReferenceCard = z.infer<typeof ReferenceCardSchema>;
export type DashboardCard = z.infer<typeof DashboardCardSchema>;
export type BitmapView = z.infer<typeof BitmapViewSchema>;
export type BitmapAnimation = z.infer<typeof BitmapAnimationSchema>;
export type ClearView = z.infer<typeof ClearViewSchema>;
export type Layout = z.infer<typeof LayoutSchema>;

/** Layout builders: each returns exactly the documented wire shape, nothing more. */
export const layouts = {
  textWall: (text: string): TextWall => ({ layoutType: LayoutType.TEXT_WALL, text }),
  doubleTextWall: (topText: string, bottomText: string): DoubleTextWall => ({
    layoutType: LayoutType.DOUBLE_TEXT_WALL,
    topText,
    bottomText,
  }),
  referenceCard: (title: string, text: string): ReferenceCard => ({ layoutType: LayoutType.REFERENCE_CARD, title, text }),
  dashboardCard: (leftText: string, rightText: string): DashboardCard => ({
    layoutType: LayoutType.DASHBOARD_CARD,
    leftText,
    rightText,
  }),
  bitmapView: (data: string): BitmapView => ({ layoutType: LayoutType.BITMAP_VIEW, data }),
  /** What the cloud itself shows when a display expires with nothing to restore. */
  empty: (): TextWall => ({ layoutType: LayoutType.TEXT_WALL, text: '' }),
} as const;

/**
 * `durationMs`: milliseconds, `0` for "no expiry" (W2: the real cloud sets no expiry for 0,
 * `DisplayManager6.1.ts` L324 at 75f9793f, and sends 0 itself when it clears, L308), or -1 for
 * "until replaced". The real SDK refused only other negative numbers.
 */
export const DurationMsSchema = z.union([z.literal(-1), z.number().nonnegative().finite()]);

/** About how many Latin characters fit on one line of the glasses. */
export const GLASSES_LINE_WIDTH = 35;
