import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TpaConfigSchema, type AppSetting } from '@tpa/sdk/protocol';
import { DEFAULT_NOTIFY_SETTINGS, NOTIFY_TPA_CONFIG, NotifySettingKey, NotifySettingsSchema, parseBlocklist, readNotifySettings } from '@tpa/notify';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** A setting as the cloud sends it after the user changed it. */
function userSet(key: string, value: unknown): AppSetting {
  return { type: 'text', key, label: key, value } as AppSetting;
}

describe('the tpa_config.json of Notify', () => {
  it('is a valid TPA config with the toggle, text and select settings a user can change', () => {
    const parsed = TpaConfigSchema.safeParse(NOTIFY_TPA_CONFIG);
    expect(parsed.success, parsed.error?.message).toBe(true);
    const typesByKey = Object.fromEntries(NOTIFY_TPA_CONFIG.settings.map((setting) => [String(setting.key), setting.type]));
    expect(typesByKey).toEqual({
      [NotifySettingKey.DISPLAY_DURATION_SECONDS]: 'select',
      [NotifySettingKey.BLOCKLIST]: 'text',
      [NotifySettingKey.MAX_QUEUE_LENGTH]: 'select',
      [NotifySettingKey.PRIORITY_JUMPS_QUEUE]: 'toggle',
    });
  });

  it('carries the version of the package', () => {
    expect(NOTIFY_TPA_CONFIG.version).toBe(packageJson.version);
  });

  it('offers the defaults it declares: reading its own settings gives the default settings, with no warning', () => {
    const { settings, warnings } = readNotifySettings(NOTIFY_TPA_CONFIG.settings as AppSetting[]);
    expect(warnings).toEqual([]);
    expect(settings).toEqual(DEFAULT_NOTIFY_SETTINGS);
  });
});

describe('the default settings', () => {
  it('show each notification for 10 s, block youtube, augment and maps, keep 20 waiting, in arrival order', () => {
    expect(DEFAULT_NOTIFY_SETTINGS).toEqual({
      displayDurationMs: 10_000,
      blocklist: ['youtube', 'augment', 'maps'],
      maxQueueLength: 20,
      priorityJumpsQueue: false,
    });
    expect(NotifySettingsSchema.safeParse(DEFAULT_NOTIFY_SETTINGS).success).toBe(true);
  });
});

describe('parseBlocklist', () => {
  it('splits on commas, trims, lower-cases and drops empty entries', () => {
    expect(parseBlocklist(' YouTube , ,Google Maps,, tiktok ')).toEqual(['youtube', 'google maps', 'tiktok']);
  });

  it('reads blank text as an empty blocklist', () => {
    expect(parseBlocklist('  ')).toEqual([]);
  });
});

describe('readNotifySettings', () => {
  it('takes the values the user set, with the display duration given in seconds', () => {
    const { settings, warnings } = readNotifySettings([
      userSet(NotifySettingKey.DISPLAY_DURATION_SECONDS, 5),
      userSet(NotifySettingKey.BLOCKLIST, 'Slack, Teams'),
      userSet(NotifySettingKey.MAX_QUEUE_LENGTH, 50),
      userSet(NotifySettingKey.PRIORITY_JUMPS_QUEUE, true),
    ]);
    expect(warnings).toEqual([]);
    expect(settings).toEqual({ displayDurationMs: 5_000, blocklist: ['slack', 'teams'], maxQueueLength: 50, priorityJumpsQueue: true });
  });

  it('accepts numbers and booleans sent as text', () => {
    const { settings, warnings } = readNotifySettings([
      userSet(NotifySettingKey.DISPLAY_DURATION_SECONDS, ' 2.5 '),
      userSet(NotifySettingKey.MAX_QUEUE_LENGTH, '7'),
      userSet(NotifySettingKey.PRIORITY_JUMPS_QUEUE, 'true'),
    ]);
    expect(warnings).toEqual([]);
    expect(settings).toMatchObject({ displayDurationMs: 2_500, maxQueueLength: 7, priorityJumpsQueue: true });
  });

  it('lets the user empty the blocklist', () => {
    expect(readNotifySettings([userSet(NotifySettingKey.BLOCKLIST, '')]).settings.blocklist).toEqual([]);
  });

  it('uses the default value the cloud sends when the user set none', () => {
    const setting: AppSetting = { type: 'toggle', key: NotifySettingKey.PRIORITY_JUMPS_QUEUE, label: 'x', defaultValue: true };
    expect(readNotifySettings([setting]).settings.priorityJumpsQueue).toBe(true);
  });

  it('falls back to the default for each bad value and says which setting and why', () => {
    const { settings, warnings } = readNotifySettings([
      userSet(NotifySettingKey.DISPLAY_DURATION_SECONDS, 0),
      userSet(NotifySettingKey.BLOCKLIST, 42),
      userSet(NotifySettingKey.MAX_QUEUE_LENGTH, 'lots'),
      userSet(NotifySettingKey.PRIORITY_JUMPS_QUEUE, 'yes'),
    ]);
    expect(settings).toEqual(DEFAULT_NOTIFY_SETTINGS);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/displayDurationSeconds.*0.*default 10000/);
    expect(warnings[1]).toMatch(/blocklist.*42.*comma-separated text/);
    expect(warnings[2]).toMatch(/maxQueueLength.*"lots".*expected a number/);
    expect(warnings[3]).toMatch(/priorityJumpsQueue.*"yes".*true or false/);
  });

  it('keeps a good value when another one is bad', () => {
    const { settings, warnings } = readNotifySettings([
      userSet(NotifySettingKey.MAX_QUEUE_LENGTH, 3.5),
      userSet(NotifySettingKey.DISPLAY_DURATION_SECONDS, 4),
    ]);
    expect(warnings).toHaveLength(1);
    expect(settings.maxQueueLength).toBe(DEFAULT_NOTIFY_SETTINGS.maxQueueLength);
    expect(settings.displayDurationMs).toBe(4_000);
  });

  it('ignores settings it does not know and gives defaults for missing ones, quietly', () => {
    const { settings, warnings } = readNotifySettings([userSet('theme', 'dark'), { type: 'slider', key: 'volume', value: 3 } as AppSetting]);
    expect(warnings).toEqual([]);
    expect(settings).toEqual(DEFAULT_NOTIFY_SETTINGS);
  });
});
