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

/** The value a setting has now: its `value` when set, else its `defaultValue`. */
export function settingValue(setting: AppSetting): unknown {
  return setting.value !== undefined ? setting.value : setting.defaultValue;
}

/**
 * Reads the settings list of an ack or a settings_update one by one: the valid ones are kept, each
 * invalid one becomes an error. One malformed setting must not make a whole ack unusable.
 */
export function readSettings(list: readonly unknown[]): { settings: AppSetting[]; errors: ProtocolError[] } {
  const settings: AppSetting[] = [];
  const errors: ProtocolError[] = [];
  list.forEach((entry, index) => {
    const parsed = AppSettingSchema.safeParse(entry);
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
