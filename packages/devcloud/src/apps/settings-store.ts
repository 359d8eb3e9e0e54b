import { declaredSettings, settingValueProblem, type AppSetting, type TpaConfig } from '@tpa/sdk/protocol';
import { InvalidRequestError } from '../errors.js';

const keyOf = (userId: string, packageName: string): string => `${userId}\u0000${packageName}`;

/**
 * The settings each user has for each app: the settings an app declares in its
 * `tpa_config.json` (with their defaults), overlaid with the values the user changed.
 */
export class SettingsStore {
  private readonly declared = new Map<string, AppSetting[]>();
  private readonly values = new Map<string, Map<string, unknown>>();

  /** Learns the settings an app declares (group headings are not settings). */
  learnDeclared(packageName: string, config: TpaConfig): void {
    this.declared.set(packageName, declaredSettings(config));
  }

  /** The user's settings of an app, each with its current `value`; empty when the app declared none. */
  settingsFor(userId: string, packageName: string): AppSetting[] {
    const chosen = this.values.get(keyOf(userId, packageName));
    return (this.declared.get(packageName) ?? []).map((setting) => {
      const value = chosen?.has(setting.key) ? chosen.get(setting.key) : setting.defaultValue;
      return value === undefined ? { ...setting } : ({ ...setting, value } as AppSetting);
    });
  }

  /**
   * Changes some of a user's settings of an app and returns all of them. Every key must be one
   * the app declares and every value must fit its setting, or nothing changes.
   */
  update(userId: string, packageName: string, changes: Readonly<Record<string, unknown>>): AppSetting[] {
    const declared = this.declared.get(packageName) ?? [];
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
    const key = keyOf(userId, packageName);
    const chosen = this.values.get(key) ?? new Map<string, unknown>();
    for (const [settingKey, value] of Object.entries(changes)) chosen.set(settingKey, value);
    this.values.set(key, chosen);
    return this.settingsFor(userId, packageName);
  }
}
