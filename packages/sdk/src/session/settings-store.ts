import { isDeclaredSetting, settingValue, settingValueProblem, type AppSetting, type WireSetting } from '../protocol/index.js';
import type { Disposer } from '../resources/index.js';
import type { EventManager, SettingsChangeMap } from '../events/index.js';

/** What one replacement of the settings changed, and what it refused. */
export interface SettingsChange {
  readonly previous: ReadonlyMap<string, unknown>;
  readonly current: ReadonlyMap<string, unknown>;
  /** One line per value that its declaration rejects; that setting keeps its default. */
  readonly problems: readonly string[];
}

/**
 * The app's settings for this user. The values come from the cloud (in the ack, then in each
 * `settings_update` or `POST /settings`), as the real cloud sends them: key/value pairs, or the
 * full declared shape on a user's first connection. The declarations (type, label, default,
 * options) come from the app's own `tpa_config.json` (the server's `tpaConfig` or `publicDir`):
 * a setting the cloud sent no value for has its declared default, and a value its declaration
 * rejects (a toggle that is not a boolean, a select value not among its options) is refused, so
 * that the default stands.
 *
 * @example
 * ```ts
 * const seconds = session.settings.get('displaySeconds', 10);
 * ```
 */
export class SessionSettings {
  /** What the app declares: these stand whatever the cloud sends. */
  readonly #appDeclared: ReadonlyMap<string, AppSetting>;
  /** Declarations the cloud sent (the full shape, on a user's first connection), until it sends others. */
  #learned: ReadonlyMap<string, AppSetting> = NO_ENTRIES as ReadonlyMap<string, AppSetting>;
  #list: readonly WireSetting[];
  #values: ReadonlyMap<string, unknown>;
  #system: ReadonlyMap<string, unknown> = NO_ENTRIES;

  readonly #events: EventManager | undefined;

  constructor(declared: readonly AppSetting[] = [], events?: EventManager) {
    this.#events = events;
    // Most sessions start with nothing: they share one empty map and list until the cloud speaks.
    this.#appDeclared = declared.length === 0 ? (NO_ENTRIES as ReadonlyMap<string, AppSetting>) : new Map(declared.map((setting) => [setting.key, setting]));
    this.#list = declared.length === 0 ? NO_SETTINGS : Object.freeze([...declared]);
    this.#values = declared.length === 0 ? NO_ENTRIES : valuesOf(this.#list);
  }

  /**
   * Every setting: each declared one (with `value` when the cloud sent one), then those the cloud
   * sent that the app does not declare, as they came.
   */
  all(): readonly WireSetting[] {
    return this.#list;
  }

  /**
   * The current value of a setting: the cloud's, else its declared default, else `defaultValue`;
   * `undefined` when there is none. Typed `T`, as the older SDKs typed it: with a declared default
   * or a `defaultValue` there always is one.
   */
  // `any` by default, as the older SDKs had it, so that their apps' handlers and uses type-check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get<T = any>(key: string, defaultValue?: T): T {
    const value = this.#values.get(key);
    return (value === undefined ? defaultValue : value) as T;
  }

  has(key: string): boolean {
    return this.#values.get(key) !== undefined;
  }

  /** Current values by key. */
  values(): ReadonlyMap<string, unknown> {
    return this.#values;
  }

  /**
   * A system setting of the user (the later cloud's `augmentosSettings`/`mentraosSettings`, e.g.
   * `metricSystemEnabled`), or `defaultValue` when the cloud sent none (the spring cloud never does).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  getMentraosSetting<T = any>(key: string, defaultValue?: T): T {
    const value = this.#system.get(key);
    return (value === undefined ? defaultValue : value) as T;
  }

  /** The same as {@link SessionSettings.getMentraosSetting}, under the 1.x name. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  getAugmentosSetting<T = any>(key: string, defaultValue?: T): T {
    return this.getMentraosSetting(key, defaultValue);
  }

  // The names of `@mentra/sdk` 2.x (and 1.x), kept so that apps written for them work unchanged.

  /** Every setting (2.x `getAll()`): the same as {@link SessionSettings.all}. */
  getAll(): readonly WireSetting[] {
    return this.all();
  }

  /** The whole setting of `key` (2.x `getSetting`), declared or as the cloud sent it. */
  getSetting(key: string): WireSetting | undefined {
    return this.#list.find((setting) => setting.key === key);
  }

  /** The current settings (2.x `fetch()`, which asked the cloud; here they are always current). */
  fetch(): Promise<readonly WireSetting[]> {
    return Promise.resolve(this.all());
  }

  /** When the value of `key` changes (2.x): the same as `session.events.onSettingChange`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onValueChange<T = any>(key: string, handler: (value: T, previous: T) => unknown): Disposer {
    return this.#requireEvents().onSettingChange<T>(key, handler as (value: T, previous: T | undefined) => unknown);
  }

  /** Every change at once, as `{key: {oldValue, newValue}}` (2.x `onChange`). */
  onChange(handler: (changes: SettingsChangeMap) => unknown): Disposer {
    return this.#requireEvents().onSettingsChanges(handler);
  }

  /** The same as {@link SessionSettings.getMentraosSetting} (2.x `getMentraOS`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  getMentraOS<T = any>(key: string, defaultValue?: T): T {
    return this.getMentraosSetting(key, defaultValue);
  }

  /** When one of the user's system settings changes (2.x `onMentraosSettingChange`). */
  onMentraosSettingChange<T = unknown>(key: string, handler: (value: T, previous: T | undefined) => unknown): Disposer {
    return this.#requireEvents().onSystemSettingChange(key, handler);
  }

  /** The same as {@link SessionSettings.onMentraosSettingChange} (2.x `onMentraosChange`). */
  onMentraosChange<T = unknown>(key: string, handler: (value: T, previous: T | undefined) => unknown): Disposer {
    return this.onMentraosSettingChange(key, handler);
  }

  /** The same as {@link SessionSettings.onMentraosSettingChange} (2.x `onMentraosSettingsChange`). */
  onMentraosSettingsChange<T = unknown>(key: string, handler: (value: T, previous: T | undefined) => unknown): Disposer {
    return this.onMentraosSettingChange(key, handler);
  }

  #requireEvents(): EventManager {
    if (!this.#events) throw new TypeError('these settings belong to no session: their change handlers need one');
    return this.#events;
  }

  /** Every system setting the cloud sent. */
  systemSettings(): ReadonlyMap<string, unknown> {
    return this.#system;
  }

  /**
   * Takes system settings from the cloud (the ack's whole set, or an `augmentos_settings_update`'s
   * changes, merged); a value that is not a plain object is ignored.
   */
  mergeSystem(record: unknown): void {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return;
    const previous = this.#system;
    this.#system = new Map([...this.#system, ...Object.entries(record)]);
    this.#events?.emitSystemSettingsChange(previous, this.#system);
  }

  /**
   * Replaces the settings with what the cloud sent, all at once. Not for apps: the session calls
   * it (`session.applySettings` is the public way).
   */
  replace(sent: readonly WireSetting[]): SettingsChange {
    const previous = this.#values;
    const problems: string[] = [];
    // Full shapes from the cloud declare what the app did not declare itself, replacing the ones it
    // sent before (a setting it no longer sends is gone); key/value pairs alone keep them.
    if (sent.some(isDeclaredSetting)) {
      const learned = new Map<string, AppSetting>();
      for (const setting of sent) if (isDeclaredSetting(setting) && !this.#appDeclared.has(setting.key)) learned.set(setting.key, withoutValue(setting));
      this.#learned = learned;
    }
    const declared = new Map([...this.#appDeclared, ...this.#learned]);
    const accepted = new Map<string, unknown>();
    for (const setting of sent) {
      const value = setting.value;
      if (value === undefined) continue;
      const declaration = declared.get(setting.key);
      const problem = declaration ? settingValueProblem(declaration, value) : undefined;
      if (problem) problems.push(`${problem}; the default stands`);
      else accepted.set(setting.key, value);
    }
    const list: WireSetting[] = [];
    for (const declaration of declared.values()) {
      list.push(accepted.has(declaration.key) ? ({ ...declaration, value: accepted.get(declaration.key) } as AppSetting) : declaration);
    }
    for (const setting of sent) if (!declared.has(setting.key) && accepted.has(setting.key)) list.push(setting);
    this.#list = Object.freeze(list);
    this.#values = valuesOf(this.#list);
    return { previous, current: this.#values, problems };
  }
}

const NO_ENTRIES: ReadonlyMap<string, unknown> = new Map();
const NO_SETTINGS: readonly WireSetting[] = Object.freeze([]);

/** A declaration without the value it came with: values are kept apart, and checked against it. */
function withoutValue(setting: AppSetting): AppSetting {
  const { value: _value, ...declaration } = setting;
  return declaration as AppSetting;
}

function valuesOf(list: readonly WireSetting[]): ReadonlyMap<string, unknown> {
  return new Map(list.map((setting) => [setting.key, settingValue(setting)]));
}
