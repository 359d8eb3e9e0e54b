import { settingValue, type AppSetting } from '../protocol/index.js';

/**
 * The app's settings for this user, as the cloud last sent them (in the ack, then in each
 * `settings_update`).
 *
 * @example
 * ```ts
 * const duration = session.settings.get<number>('displayDurationMs') ?? 10_000;
 * ```
 */
export class SessionSettings {
  #list: readonly AppSetting[] = [];
  #values: ReadonlyMap<string, unknown> = new Map();

  /** Every setting, as sent. */
  all(): readonly AppSetting[] {
    return this.#list;
  }

  /** The current value of a setting (`value`, else `defaultValue`), or `undefined` if there is none. */
  get<T = unknown>(key: string): T | undefined {
    return this.#values.get(key) as T | undefined;
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** Current values by key. */
  values(): ReadonlyMap<string, unknown> {
    return this.#values;
  }

  /** Replaces the settings; returns the values before and after. */
  replace(list: readonly AppSetting[]): { previous: ReadonlyMap<string, unknown>; current: ReadonlyMap<string, unknown> } {
    const previous = this.#values;
    this.#list = Object.freeze([...list]);
    this.#values = new Map(list.map((setting) => [setting.key, settingValue(setting)]));
    return { previous, current: this.#values };
  }
}
