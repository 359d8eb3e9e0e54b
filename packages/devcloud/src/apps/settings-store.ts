import { declaredSettings, settingValueProblem, type AppSetting, type SettingValue, type TpaConfig } from '@tpa/sdk/protocol';
import type { AckSettingsSource } from '../dialects/index.js';
import { InvalidRequestError } from '../errors.js';

const keyOf = (userId: string, packageName: string): string => `${userId}\u0000${packageName}`;

/**
 * The settings of each app and user, kept as the real cloud kept them: what an app declares (from
 * its `tpa_config.json`), and per user the key/value pairs stored for it, which exist only once
 * something stored them (`models/user.model.ts` L54-57 at 75f9793f). Whether and when a
 * connection stores the defaults is the dialect's business (see {@link ackSource}).
 */
export class SettingsStore {
  private readonly declared = new Map<string, AppSetting[]>();
  private readonly stored = new Map<string, SettingValue[]>();

  /** Learns the settings an app declares (group headings are not settings). */
  learnDeclared(packageName: string, config: TpaConfig): void {
    this.declared.set(packageName, declaredSettings(config));
  }

  /** What a dialect reads (and may store) to choose the settings of an ack. */
  ackSource(userId: string, packageName: string): AckSettingsSource {
    const key = keyOf(userId, packageName);
    return {
      declared: this.declaredOf(packageName),
      stored: this.stored.get(key),
      store: (pairs) => this.stored.set(key, pairs.map(({ key: settingKey, value }) => ({ key: settingKey, value }))),
    };
  }

  /** The user's settings of an app, each with its current `value` (stored, else the default); empty when the app declared none. */
  settingsFor(userId: string, packageName: string): AppSetting[] {
    const values = new Map((this.stored.get(keyOf(userId, packageName)) ?? []).map((pair) => [pair.key, pair.value]));
    return this.declaredOf(packageName).map((setting) => {
      const value = values.has(setting.key) ? values.get(setting.key) : setting.defaultValue;
      return value === undefined ? { ...setting } : ({ ...setting, value } as AppSetting);
    });
  }

  /**
   * The user saves settings of an app, as the phone's settings page does: every declared setting
   * is stored, the changed ones with their new value. Every key must be one the app declares and
   * every value must fit its setting, or nothing changes. Returns the stored pairs.
   */
  update(userId: string, packageName: string, changes: Readonly<Record<string, unknown>>): SettingValue[] {
    const declared = this.declaredOf(packageName);
    if (declared.length === 0) {
      throw new InvalidRequestError(`${packageName} declares no settings (its tpa_config.json was missing or had none when it last started)`);
    }
    const problems: string[] = [];
    for (const [key, value] of Object.entries(changes)) {
      const setting = declared.find((candidate) => candidate.key === key);
      if (!setting) {
        problems.push(`${packageName} has no setting "${key}" (it has ${declared.map((candidate) => `"${candidate.key}"`).join(', ')})`);
        continue;
      }
      const problem = settingValueProblem(setting, value);
      if (problem) problems.push(problem);
    }
    if (problems.length > 0) throw new InvalidRequestError(problems.join('; '));
    const pairs = this.settingsFor(userId, packageName).map((setting): SettingValue => ({
      key: setting.key,
      value: Object.hasOwn(changes, setting.key) ? changes[setting.key] : setting.value,
    }));
    this.stored.set(keyOf(userId, packageName), pairs);
    return pairs;
  }

  private declaredOf(packageName: string): AppSetting[] {
    return this.declared.get(packageName) ?? [];
  }
}
