/**
 * Notify's settings: what the user can change, what `GET /tpa_config.json` tells the cloud about
 * them, and how the `WireSetting[]` the cloud sends becomes typed {@link NotifySettings}.
 */
import { z } from 'zod';
import { settingValue, type WireSetting, type TpaConfig } from '@tpa/sdk/protocol';

/** The keys of Notify's settings, as they appear in `tpa_config.json` and in the cloud's `WireSetting[]`. */
export const NotifySettingKey = {
  DISPLAY_DURATION_SECONDS: 'displayDurationSeconds',
  BLOCKLIST: 'blocklist',
  MAX_QUEUE_LENGTH: 'maxQueueLength',
  PRIORITY_JUMPS_QUEUE: 'priorityJumpsQueue',
} as const;

const DISPLAY_SECONDS = { default: 10, min: 1, max: 120, choices: [3, 5, 8, 10, 15, 20, 30] } as const;
const QUEUE_LENGTH = { default: 20, min: 1, max: 100, choices: [5, 10, 20, 50] } as const;
const DEFAULT_BLOCKLIST_TEXT = 'youtube, augment, maps';

export const NotifySettingsSchema = z.strictObject({
  /** How long each notification stays on screen, in milliseconds (the user picks seconds). */
  displayDurationMs: z
    .number()
    .int()
    .min(DISPLAY_SECONDS.min * 1000)
    .max(DISPLAY_SECONDS.max * 1000),
  /** Lower-case fragments: an app whose name contains one of them is never shown. */
  blocklist: z.array(z.string().min(1)).readonly(),
  /** The most notifications waiting behind the one on screen; the oldest go first. */
  maxQueueLength: z.number().int().min(QUEUE_LENGTH.min).max(QUEUE_LENGTH.max),
  /** When on, a high-priority notification goes to the front of the queue. */
  priorityJumpsQueue: z.boolean(),
});
export type NotifySettings = z.infer<typeof NotifySettingsSchema>;

/** Splits the comma-separated blocklist text into trimmed, lower-case fragments. */
export function parseBlocklist(text: string): string[] {
  return text
    .split(',')
    .map((fragment) => fragment.trim().toLowerCase())
    .filter((fragment) => fragment !== '');
}

export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = NotifySettingsSchema.parse({
  displayDurationMs: DISPLAY_SECONDS.default * 1000,
  blocklist: parseBlocklist(DEFAULT_BLOCKLIST_TEXT),
  maxQueueLength: QUEUE_LENGTH.default,
  priorityJumpsQueue: false,
});

/** A number, or a string holding one: clouds and settings UIs differ in which they send. */
const numeric = z.union([z.number(), z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number)], { error: 'expected a number' });

/** How each setting's wire value becomes its typed field; a value that fails keeps the default. */
const FIELD_READERS: { [Field in keyof NotifySettings]: { key: string; read: z.ZodType<NotifySettings[Field], unknown> } } = {
  displayDurationMs: {
    key: NotifySettingKey.DISPLAY_DURATION_SECONDS,
    read: numeric.pipe(z.number().min(DISPLAY_SECONDS.min).max(DISPLAY_SECONDS.max)).transform((seconds) => Math.round(seconds * 1000)),
  },
  blocklist: {
    key: NotifySettingKey.BLOCKLIST,
    read: z
      .union([z.string(), z.array(z.string()).transform((fragments) => fragments.join(','))], { error: 'expected comma-separated text' })
      .transform(parseBlocklist),
  },
  maxQueueLength: {
    key: NotifySettingKey.MAX_QUEUE_LENGTH,
    read: numeric.pipe(z.number().int().min(QUEUE_LENGTH.min).max(QUEUE_LENGTH.max)),
  },
  priorityJumpsQueue: {
    key: NotifySettingKey.PRIORITY_JUMPS_QUEUE,
    read: z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')], { error: 'expected true or false' }),
  },
};

export interface ReadNotifySettingsResult {
  readonly settings: NotifySettings;
  /** One line per setting whose value was unusable and fell back to its default. */
  readonly warnings: string[];
}

function readField<Field extends keyof NotifySettings>(
  field: Field,
  byKey: ReadonlyMap<string, WireSetting>,
  warnings: string[],
): NotifySettings[Field] {
  const { key, read } = FIELD_READERS[field];
  const fallback = DEFAULT_NOTIFY_SETTINGS[field];
  const setting = byKey.get(key);
  if (setting === undefined) return fallback;
  const value = settingValue(setting);
  if (value === undefined) return fallback;
  const result = read.safeParse(value);
  if (result.success) return result.data;
  const reason = result.error.issues.map((issue) => issue.message).join('; ');
  warnings.push(`setting "${key}": ${JSON.stringify(value)} is not usable (${reason}); using the default ${JSON.stringify(fallback)}`);
  return fallback;
}

/**
 * Turns the settings the cloud sends (in the connection ack and in each `settings_update`) into
 * typed {@link NotifySettings}. A missing setting takes its default quietly; a bad value takes
 * its default and adds a warning, so that one bad setting never stops the app.
 *
 * @example
 * const { settings, warnings } = readNotifySettings(session.settings);
 * for (const warning of warnings) session.logger.warn(warning);
 */
export function readNotifySettings(appSettings: readonly WireSetting[]): ReadNotifySettingsResult {
  const byKey = new Map(appSettings.map((setting) => [setting.key, setting] as const));
  const warnings: string[] = [];
  const settings: NotifySettings = {
    displayDurationMs: readField('displayDurationMs', byKey, warnings),
    blocklist: readField('blocklist', byKey, warnings),
    maxQueueLength: readField('maxQueueLength', byKey, warnings),
    priorityJumpsQueue: readField('priorityJumpsQueue', byKey, warnings),
  };
  return { settings, warnings };
}

const secondsLabel = (seconds: number): string => `${seconds} seconds`;

/** The body of Notify's `GET /tpa_config.json`. */
export const NOTIFY_TPA_CONFIG: TpaConfig = {
  name: 'Notify',
  description: 'Shows your phone notifications on your glasses, one at a time.',
  version: '0.1.0',
  settings: [
    {
      type: 'select',
      key: NotifySettingKey.DISPLAY_DURATION_SECONDS,
      label: 'Show each notification for',
      options: DISPLAY_SECONDS.choices.map((seconds) => ({ label: secondsLabel(seconds), value: seconds })),
      defaultValue: DISPLAY_SECONDS.default,
    },
    {
      type: 'text',
      key: NotifySettingKey.BLOCKLIST,
      label: 'Never show apps whose name contains (comma-separated)',
      defaultValue: DEFAULT_BLOCKLIST_TEXT,
    },
    {
      type: 'select',
      key: NotifySettingKey.MAX_QUEUE_LENGTH,
      label: 'Most notifications kept waiting',
      options: QUEUE_LENGTH.choices.map((count) => ({ label: String(count), value: count })),
      defaultValue: QUEUE_LENGTH.default,
    },
    {
      type: 'toggle',
      key: NotifySettingKey.PRIORITY_JUMPS_QUEUE,
      label: 'High-priority notifications go first',
      defaultValue: false,
    },
  ],
};
