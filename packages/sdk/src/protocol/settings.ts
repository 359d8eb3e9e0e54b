import { z } from 'zod';
import { ProtocolError, toProtocolIssues } from './parse.js';

const SettingBase = { key: z.string().min(1), label: z.string() };

export const ToggleSettingSchema = z.looseObject({
  type: z.literal('toggle'),
  ...SettingBase,
  defaultValue: z.boolean(),
  value: z.boolean().optional(),
});
export const TextSettingSchema = z.looseObject({
  type: z.literal('text'),
  ...SettingBase,
  defaultValue: z.string().optional(),
  value: z.string().optional(),
});
export const SelectOptionSchema = z.looseObject({ label: z.string(), value: z.unknown() });
export const SelectSettingSchema = z.looseObject({
  type: z.literal('select'),
  ...SettingBase,
  options: z.array(SelectOptionSchema),
  defaultValue: z.unknown().optional(),
  value: z.unknown().optional(),
});

const SPRING_2025_SETTING_TYPES: readonly string[] = ['toggle', 'text', 'select', 'group'];

/**
 * A setting of a type the later cloud added (slider, multiselect, ...). Tolerated so that its
 * settings never break a session; the three spring 2025 types must match their own schema.
 */
export const OtherSettingSchema = z.looseObject({
  type: z.string().refine((type) => !SPRING_2025_SETTING_TYPES.includes(type), {
    message: 'a setting of this type has required fields missing or mistyped',
  }),
  key: z.string().min(1),
  label: z.string().optional(),
  value: z.unknown().optional(),
  defaultValue: z.unknown().optional(),
});

export const AppSettingSchema = z.union([ToggleSettingSchema, TextSettingSchema, SelectSettingSchema, OtherSettingSchema]);
export type AppSetting = z.infer<typeof AppSettingSchema>;
export type ToggleSetting = z.infer<typeof ToggleSettingSchema>;
export type TextSetting = z.infer<typeof TextSettingSchema>;
export type SelectSetting = z.infer<typeof SelectSettingSchema>;

export const SettingsGroupSchema = z.looseObject({ type: z.literal('group'), title: z.string() });
export type SettingsGroup = z.infer<typeof SettingsGroupSchema>;

/** The body of `GET /tpa_config.json`. */
export const TpaConfigSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string(),
  version: z.string(),
  settings: z.array(z.union([SettingsGroupSchema, AppSettingSchema])),
});
export type TpaConfig = z.infer<typeof TpaConfigSchema>;

/**
 * A setting as the real cloud sends it: its key and value only. The cloud stores settings as
 * key/value pairs (`cloud/src/models/user.model.ts` L54-57 at 75f9793f) and sends them so in the
 * ack (`websocket.service.ts` L1380, L1417-1422), in `settings_update`
 * (`tpa-settings.routes.ts` L274-280) and in `POST /settings` (L291-295); later
 * `AppManager.ts` L742-752. See PROTOCOL.md §11 W1.
 */
export const SettingValueSchema = z.looseObject({ key: z.string().min(1), value: z.unknown() });
export type SettingValue = z.infer<typeof SettingValueSchema>;

/** A setting on the wire: the full declared shape (a user's first connection) or a key/value pair. */
export type WireSetting = AppSetting | SettingValue;

/** Whether `setting` carries a declaration (type, label, default), not only a value. */
export function isDeclaredSetting(setting: WireSetting): setting is AppSetting {
  return typeof (setting as { type?: unknown }).type === 'string';
}

/** The value a setting has now: its `value` when set, else (for a declared one) its `defaultValue`. */
export function settingValue(setting: WireSetting): unknown {
  if (setting.value !== undefined) return setting.value;
  return isDeclaredSetting(setting) ? setting.defaultValue : undefined;
}

function describeValue(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/**
 * Why `value` cannot be the value of the declared `setting`, or `undefined` when it can: a toggle
 * takes a boolean, a text setting a string, a select one of its options' values. Types the later
 * cloud added are not checked.
 */
export function settingValueProblem(setting: AppSetting, value: unknown): string | undefined {
  switch (setting.type) {
    case 'toggle':
      return typeof value === 'boolean' ? undefined : `setting "${setting.key}" is a toggle: its value must be true or false, not ${describeValue(value)}`;
    case 'text':
      return typeof value === 'string' ? undefined : `setting "${setting.key}" is text: its value must be a string, not ${describeValue(value)}`;
    case 'select': {
      const options = Array.isArray(setting.options) ? (setting.options as { value: unknown }[]) : [];
      const allowed = options.map((option) => option.value);
      return allowed.some((candidate) => candidate === value || JSON.stringify(candidate) === JSON.stringify(value))
        ? undefined
        : `setting "${setting.key}" is a select: its value must be one of ${allowed.map(describeValue).join(', ')}, not ${describeValue(value)}`;
    }
    default:
      return undefined;
  }
}

/** The settings a `tpa_config.json` declares (its group headings are not settings). */
export function declaredSettings(config: TpaConfig | undefined): AppSetting[] {
  return (config?.settings ?? []).filter((entry): entry is AppSetting => !SettingsGroupSchema.safeParse(entry).success);
}

/**
 * Reads the settings list of an ack, a settings_update or a `POST /settings` one by one: each
 * entry is a full declared setting (it has a `type`) or a key/value pair. The valid ones are kept,
 * each invalid one becomes an error: one malformed setting must not make a whole ack unusable.
 */
export function readSettings(list: readonly unknown[]): { settings: WireSetting[]; errors: ProtocolError[] } {
  const settings: WireSetting[] = [];
  const errors: ProtocolError[] = [];
  list.forEach((entry, index) => {
    const declared = typeof (entry as { type?: unknown } | null)?.type === 'string';
    const parsed = declared ? AppSettingSchema.safeParse(entry) : SettingValueSchema.safeParse(entry);
    if (parsed.success) {
      settings.push(parsed.data);
      return;
    }
    const issues = toProtocolIssues(parsed.error).map((issue) => ({ ...issue, path: `settings[${index}]${issue.path ? `.${issue.path}` : ''}` }));
    const key = typeof (entry as { key?: unknown } | null)?.key === 'string' ? ` "${(entry as { key: string }).key}"` : '';
    errors.push(new ProtocolError('INVALID_MESSAGE', `setting${key} at settings[${index}] is invalid and was ignored: ${issues[0]?.message ?? 'bad shape'}`, { issues }));
  });
  return { settings, errors };
}
