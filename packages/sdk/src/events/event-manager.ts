import {
  effectiveStreamOf,
  fastAcceptStreamData,
  isValidSubscription,
  parseStreamData,
  StreamType,
  streamNameFor,
  subscriptionMatches,
  transcriptionStream,
  translationStream,
  type WireSetting,
  type StreamDataMap,
  type TypedStream,
} from '../protocol/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import { isPromiseLike, toDisposable, type Disposer } from '../resources/index.js';
import type { TpaError } from '../errors.js';
import { HandlerError, InvalidSubscriptionError, MAX_HANDLERS_PER_STREAM, TooManyHandlersError } from './errors.js';
import { HandlerRegistry } from './handler-registry.js';

export type Handler<T> = (data: T) => unknown;

/**
 * What a `disconnected` handler learns. It also reads as the older SDKs' payloads: `message` and
 * `wasClean` as `@mentra/sdk` 2.x gave them, and as a string (its reason), as `@augmentos/sdk` 1.x
 * passed one.
 */
export interface DisconnectInfo {
  readonly code: number;
  readonly reason: string;
  /** `true` when the SDK will try to reconnect; `false` when the session is over. */
  readonly willReconnect: boolean;
  /** 2.x: the reason, or what ended the session. */
  readonly message?: string;
  /** 2.x: whether the socket closed with a close frame (not dropped). */
  readonly wasClean?: boolean;
}

/** A {@link DisconnectInfo} whose 2.x fields and string form come from its own fields. */
class Disconnect implements DisconnectInfo {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly willReconnect: boolean,
  ) {}

  get message(): string {
    return this.reason;
  }

  get wasClean(): boolean {
    return this.code !== 1006;
  }

  toString(): string {
    return this.reason;
  }
}

/** `{oldValue, newValue}` of each setting that changed, by key (`@mentra/sdk` 2.x `settings.onChange`). */
export type SettingsChangeMap = Record<string, { readonly oldValue: unknown; readonly newValue: unknown }>;

export interface ConnectedInfo {
  /** `true` for a connection that replaced a lost one. */
  readonly reconnected: boolean;
}

/**
 * Raw audio of an `audio_chunk` subscription: 16 kHz PCM, as the cloud sent it, as a Buffer; its
 * `arrayBuffer` (the same bytes as an ArrayBuffer, made when read) is what `@mentra/sdk` 2.x gave.
 */
export type AudioChunk = Buffer & { readonly arrayBuffer: ArrayBuffer };

function asAudioChunk(data: Buffer): AudioChunk {
  return Object.defineProperty(data, 'arrayBuffer', {
    get: () => data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  }) as AudioChunk;
}

interface SessionEventMap {
  connected: (settings: readonly WireSetting[], info: ConnectedInfo) => unknown;
  disconnected: (info: DisconnectInfo) => unknown;
  error: (error: TpaError) => unknown;
  settings_update: (settings: readonly WireSetting[]) => unknown;
}
type SessionEventName = keyof SessionEventMap;
type SettingChangeHandler = (value: unknown, previous: unknown) => unknown;
type StreamHandler = (data: never) => unknown;

export interface EventManagerOptions {
  readonly logger?: Logger;
  /** Called once per microtask batch when the list of streams to subscribe changes. */
  readonly onSubscriptionsChanged?: (streams: readonly string[]) => void;
}

/**
 * Typed event handlers for a session. Every `on*` returns a {@link Disposer} (call it, or `using`
 * it) that removes the handler. The first handler of a stream subscribes it; removing the last one
 * unsubscribes it; registrations in the same tick become one `subscription_update`. A handler that
 * throws or rejects becomes an `error` event and never stops the others.
 *
 * @example
 * ```ts
 * const stop = session.events.onTranscription((t) => {
 *   if (t.isFinal) session.layouts.showTextWall(t.text);
 * });
 * stop(); // no longer subscribed
 * ```
 */
export class EventManager implements Disposable {
  readonly #logger: Logger;
  readonly #onSubscriptionsChanged: (streams: readonly string[]) => void;
  readonly #streams = new HandlerRegistry<StreamHandler>(() => this.#onStreamsChanged());
  /** Which handler keys an effective stream matches; rebuilt when the keys change. */
  #matches: Map<string, readonly string[]> | undefined;
  // Made on first use: a server holds thousands of sessions, most with few kinds of handlers.
  #sessionRegistry: HandlerRegistry<SessionEventMap[SessionEventName]> | undefined;
  #settingChangeRegistry: HandlerRegistry<SettingChangeHandler> | undefined;
  #explicitSet: Set<string> | undefined;
  #syncScheduled = false;
  /** Streams already reported as having too many handlers. */
  #warnedKeys: Set<string> | undefined;
  #disposed = false;

  constructor(options: EventManagerOptions = {}) {
    this.#logger = options.logger ?? silentLogger;
    this.#onSubscriptionsChanged = options.onSubscriptionsChanged ?? (() => undefined);
  }

  // Streams

  /** Speech transcription in the user's default language (the cloud treats a bare `transcription` as `en-US`). */
  onTranscription(handler: Handler<StreamDataMap['transcription']>): Disposer {
    return this.on(StreamType.TRANSCRIPTION, handler);
  }

  /** Speech transcription in one language, e.g. `'fr-FR'`. (A third argument, as 2.x took, is accepted and ignored.) */
  onTranscriptionForLanguage(language: string, handler: Handler<StreamDataMap['transcription']>, _options?: boolean | { readonly hints?: readonly string[] }): Disposer {
    return this.on(transcriptionStream(language), handler);
  }

  /** Translation from `source` to `target` language, e.g. `('es-ES', 'en-US')`. */
  onTranslation(source: string, target: string, handler: Handler<StreamDataMap['translation']>): Disposer {
    return this.on(translationStream(source, target), handler);
  }

  onPhoneNotifications(handler: Handler<StreamDataMap['phone_notification']>): Disposer {
    return this.on(StreamType.PHONE_NOTIFICATION, handler);
  }

  /** A notification dismissed on the phone: `notification_dismissed` on the spring cloud, `phone_notification_dismissed` on the later one. */
  onNotificationDismissed(handler: Handler<StreamDataMap['notification_dismissed']>): Disposer {
    return this.on(StreamType.NOTIFICATION_DISMISSED, handler);
  }

  /** The same as {@link EventManager.onNotificationDismissed}, under `@mentra/sdk` 2.x's name. */
  onPhoneNotificationDismissed(handler: Handler<StreamDataMap['notification_dismissed']>): Disposer {
    return this.onNotificationDismissed(handler);
  }

  /**
   * Touch gestures on the glasses (the later cloud): every gesture, or one (`'double_tap'`, ...)
   * with `onTouchEvent(gesture, handler)`, as `@mentra/sdk` 2.x has it.
   */
  onTouchEvent(gestureOrHandler: string | Handler<Record<string, unknown>>, handler?: Handler<Record<string, unknown>>): Disposer {
    if (typeof gestureOrHandler === 'function') return this.on('touch_event', gestureOrHandler);
    if (!handler) throw new TypeError('onTouchEvent(gesture, handler) needs a handler');
    return this.on(`touch_event:${gestureOrHandler}`, handler);
  }

  onHeadPosition(handler: Handler<StreamDataMap['head_position']>): Disposer {
    return this.on(StreamType.HEAD_POSITION, handler);
  }

  onButtonPress(handler: Handler<StreamDataMap['button_press']>): Disposer {
    return this.on(StreamType.BUTTON_PRESS, handler);
  }

  onGlassesBattery(handler: Handler<StreamDataMap['glasses_battery_update']>): Disposer {
    return this.on(StreamType.GLASSES_BATTERY_UPDATE, handler);
  }

  onPhoneBattery(handler: Handler<StreamDataMap['phone_battery_update']>): Disposer {
    return this.on(StreamType.PHONE_BATTERY_UPDATE, handler);
  }

  onLocation(handler: Handler<StreamDataMap['location_update']>): Disposer {
    return this.on(StreamType.LOCATION_UPDATE, handler);
  }

  onCalendarEvent(handler: Handler<StreamDataMap['calendar_event']>): Disposer {
    return this.on(StreamType.CALENDAR_EVENT, handler);
  }

  /** Voice activity; read `isVoiceActive(data)` for a boolean whichever form the cloud sent. */
  onVoiceActivity(handler: Handler<StreamDataMap['VAD']>): Disposer {
    return this.on(StreamType.VAD, handler);
  }

  /** Raw audio frames (binary, 16 kHz PCM). */
  onAudioChunk(handler: Handler<AudioChunk>): Disposer {
    return this.#addStream(StreamType.AUDIO_CHUNK, handler);
  }

  /**
   * A handler for any stream by name: typed for the streams the protocol describes, a plain object
   * for the others. Throws {@link InvalidSubscriptionError} for a name the cloud would refuse.
   */
  on<S extends TypedStream>(stream: S, handler: Handler<StreamDataMap[S]>): Disposer;
  on(stream: `transcription:${string}`, handler: Handler<StreamDataMap['transcription']>): Disposer;
  on(stream: `translation:${string}`, handler: Handler<StreamDataMap['translation']>): Disposer;
  on(stream: string, handler: Handler<Record<string, unknown>>): Disposer;
  on(stream: string, handler: Handler<never>): Disposer {
    return this.#addStream(stream, handler);
  }

  // Session events

  /** After each acknowledged connection, with the app's settings. */
  onConnected(handler: SessionEventMap['connected']): Disposer {
    return this.#addSession('connected', handler);
  }

  /**
   * When a connection closes: `willReconnect` says whether the SDK tries again or the session is
   * over. A handler written for `@augmentos/sdk` 1.x, which took the reason as a string, gets an
   * object whose string form is that reason.
   */
  onDisconnected(handler: SessionEventMap['disconnected']): Disposer;
  onDisconnected(handler: (reason: string) => unknown): Disposer;
  onDisconnected(handler: SessionEventMap['disconnected'] | ((reason: string) => unknown)): Disposer {
    return this.#addSession('disconnected', handler as SessionEventMap['disconnected']);
  }

  /** Errors with no caller to throw to: bad inbound data, throwing handlers and timers, cloud errors. */
  onError(handler: SessionEventMap['error']): Disposer {
    return this.#addSession('error', handler);
  }

  /** Every `settings_update`, with the full new list. */
  onSettingsUpdate(handler: SessionEventMap['settings_update']): Disposer {
    return this.#addSession('settings_update', handler);
  }

  /** When the value of one setting changes, with its new and previous value. */
  onSettingChange<T = unknown>(key: string, handler: (value: T, previous: T | undefined) => unknown): Disposer {
    return this.#disposed ? this.#refuseLate(`setting ${key}`) : this.#settingChanges.add(key, handler as SettingChangeHandler);
  }

  /** Registers a handler by event name: a stream name, or `connected`/`disconnected`/`error`/`settings_update`. */
  register(event: string, handler: (...args: never[]) => unknown): Disposer {
    if (isSessionEvent(event)) return this.#addSession(event, handler as SessionEventMap[SessionEventName]);
    return this.#addStream(event, handler);
  }

  // Subscriptions

  /** Subscribes to a stream without a handler (the seed's `session.subscribe`). */
  subscribe(requested: string): void {
    assertValidStream(requested);
    const stream = streamNameFor(requested, 'spring');
    if (this.#disposed) {
      this.#refuseLate(stream);
      return;
    }
    this.#explicitSet ??= new Set();
    if (this.#explicitSet.has(stream)) return;
    this.#explicitSet.add(stream);
    this.#scheduleSubscriptionSync();
  }

  /** Removes an explicit subscription; streams that still have handlers stay subscribed. */
  unsubscribe(stream: string): void {
    if (this.#explicitSet?.delete(streamNameFor(stream, 'spring'))) this.#scheduleSubscriptionSync();
  }

  /** The full list of streams to subscribe: explicit subscriptions and streams with handlers. */
  subscriptions(): string[] {
    const streams = new Set(this.#explicitSet);
    for (const stream of this.#streams.keys()) streams.add(stream);
    return [...streams];
  }

  /** How many handlers are registered (streams, session events and setting changes). */
  get handlerCount(): number {
    return this.#streams.size + (this.#sessionRegistry?.size ?? 0) + (this.#settingChangeRegistry?.size ?? 0);
  }

  // Dispatch, used by the session

  /** Delivers one `data_stream` to the handlers whose subscription matches it, after validating its data. */
  dispatchStream(sentStreamType: string, data: Record<string, unknown>): void {
    // Either dialect's name of a stream reaches the same handlers (W7).
    const streamType = streamNameFor(sentStreamType, 'spring');
    const keys = this.#streams.keyCount === 0 ? [] : this.#keysMatching(effectiveStreamOf(streamType, data));
    if (keys.length === 0) {
      this.#logger.debug({ streamType }, 'data_stream for a stream with no handler; ignored');
      return;
    }
    let value: unknown = data;
    if (!fastAcceptStreamData(streamType, data)) {
      const parsed = parseStreamData(streamType, data);
      if (!parsed.ok) {
        this.emitError(parsed.error);
        return;
      }
      value = parsed.value.data;
    }
    // Only the handlers registered when the event arrived: one that re-registers itself must not
    // run again (and again) for the same event.
    const before = this.#streams.registeredCount;
    for (const key of keys) {
      const registrations = this.#streams.registrations(key);
      if (!registrations) continue;
      for (const registration of registrations) {
        if (registration.order < before) this.#invoke(key, registration.handler as Handler<unknown>, value);
      }
    }
  }

  /** Delivers a binary audio frame to `audio_chunk` handlers. */
  dispatchAudio(data: Buffer): void {
    if (!this.#streams.has(StreamType.AUDIO_CHUNK)) {
      this.#logger.debug({ bytes: data.byteLength }, 'binary frame with no audio_chunk handler; ignored');
      return;
    }
    const chunk = asAudioChunk(data);
    this.#streams.forEach(StreamType.AUDIO_CHUNK, (handler) => this.#invoke(StreamType.AUDIO_CHUNK, handler as Handler<AudioChunk>, chunk));
  }

  emitConnected(settings: readonly WireSetting[], info: ConnectedInfo): void {
    this.#sessionRegistry?.forEach('connected', (handler) => this.#invoke('connected', () => (handler as SessionEventMap['connected'])(settings, info), undefined));
  }

  emitDisconnected(fields: Pick<DisconnectInfo, 'code' | 'reason' | 'willReconnect'>): void {
    const info = new Disconnect(fields.code, fields.reason, fields.willReconnect);
    this.#sessionRegistry?.forEach('disconnected', (handler) => this.#invoke('disconnected', handler as SessionEventMap['disconnected'], info));
  }

  /** Every settings change at once, as `{key: {oldValue, newValue}}` (what `settings.onChange` gives). */
  onSettingsChanges(handler: (changes: SettingsChangeMap) => unknown): Disposer {
    return this.#disposed ? this.#refuseLate('settings changes') : this.#settingChanges.add(ALL_SETTINGS, handler as unknown as SettingChangeHandler);
  }

  /** When one of the user's system settings changes (`metricSystemEnabled`, ...), with its new and previous value. */
  onSystemSettingChange<T = unknown>(key: string, handler: (value: T, previous: T | undefined) => unknown): Disposer {
    return this.#disposed ? this.#refuseLate(`system setting ${key}`) : this.#settingChanges.add(`${SYSTEM_SETTING}${key}`, handler as SettingChangeHandler);
  }

  emitSystemSettingsChange(previous: ReadonlyMap<string, unknown>, current: ReadonlyMap<string, unknown>): void {
    this.#emitChanges(previous, current, SYSTEM_SETTING);
  }

  emitSettingsUpdate(settings: readonly WireSetting[], previous: ReadonlyMap<string, unknown>, current: ReadonlyMap<string, unknown>): void {
    this.#sessionRegistry?.forEach('settings_update', (handler) => this.#invoke('settings_update', handler as SessionEventMap['settings_update'], settings));
    this.#emitChanges(previous, current, '');
  }

  /** Fires the change handlers of every key (under `prefix`) that appeared, changed or disappeared (to `undefined`). */
  #emitChanges(previous: ReadonlyMap<string, unknown>, current: ReadonlyMap<string, unknown>, prefix: string): void {
    const registry = this.#settingChangeRegistry;
    if (!registry) return;
    const changes: SettingsChangeMap = {};
    let changed = false;
    for (const key of new Set([...current.keys(), ...previous.keys()])) {
      const value = current.get(key);
      const before = previous.get(key);
      if (sameValue(before, value)) continue;
      changed = true;
      changes[key] = { oldValue: before, newValue: value };
      registry.forEach(`${prefix}${key}`, (handler) => this.#invoke(`setting ${key}`, () => handler(value, before), undefined));
    }
    if (changed && prefix === '') registry.forEach(ALL_SETTINGS, (handler) => this.#invoke('settings changes', () => (handler as unknown as (map: SettingsChangeMap) => unknown)(changes), undefined));
  }

  /** Delivers an error to `error` handlers; with none, or if they throw, it is logged instead. */
  emitError(error: TpaError): void {
    if (!this.#sessionRegistry?.has('error')) {
      this.#logger.error({ err: error, code: error.code }, error.message);
      return;
    }
    this.#sessionRegistry?.forEach('error', (handler) => {
      try {
        const result = (handler as SessionEventMap['error'])(error);
        if (isPromiseLike(result)) result.then(undefined, (inner: unknown) => this.#logger.error({ err: inner }, 'an error handler rejected'));
      } catch (inner) {
        this.#logger.error({ err: inner, original: error.message }, 'an error handler threw');
      }
    });
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Removes every handler and subscription; later registrations are refused (and logged). */
  dispose(): void {
    this.#disposed = true;
    this.#explicitSet?.clear();
    this.#streams.clear();
    this.#sessionRegistry?.clear();
    this.#settingChangeRegistry?.clear();
  }

  get #session(): HandlerRegistry<SessionEventMap[SessionEventName]> {
    this.#sessionRegistry ??= new HandlerRegistry();
    return this.#sessionRegistry;
  }

  get #settingChanges(): HandlerRegistry<SettingChangeHandler> {
    this.#settingChangeRegistry ??= new HandlerRegistry();
    return this.#settingChangeRegistry;
  }

  #addSession<E extends SessionEventName>(event: E, handler: SessionEventMap[E]): Disposer {
    return this.#disposed ? this.#refuseLate(event) : this.#session.add(event, handler);
  }

  #keysMatching(effectiveStream: string): readonly string[] {
    this.#matches ??= new Map();
    let keys = this.#matches.get(effectiveStream);
    if (!keys) {
      keys = [...this.#streams.keys()].filter((key) => subscriptionMatches(key, effectiveStream));
      // Effective streams come from the cloud's data (a language each): keep the cache bounded.
      if (this.#matches.size >= MAX_CACHED_ROUTES) this.#matches.clear();
      this.#matches.set(effectiveStream, keys);
    }
    return keys;
  }

  #onStreamsChanged(): void {
    this.#matches?.clear();
    this.#scheduleSubscriptionSync();
  }

  #addStream(stream: string, handler: StreamHandler): Disposer {
    assertValidStream(stream);
    if (this.#disposed) return this.#refuseLate(stream);
    // Kept under the spring name; the session subscribes with its cloud's name (W7).
    const key = streamNameFor(stream, 'spring');
    const disposer = this.#streams.add(key, handler);
    const count = this.#streams.registrations(key)?.size ?? 0;
    if (count > MAX_HANDLERS_PER_STREAM && !this.#warnedKeys?.has(key)) {
      (this.#warnedKeys ??= new Set()).add(key);
      this.emitError(new TooManyHandlersError(key, count));
    }
    return disposer;
  }

  /** A registration after the session ended: reported, never kept. */
  #refuseLate(event: string): Disposer {
    this.#logger.warn({ event }, 'a handler was registered after the session ended; it will never run');
    return toDisposable(() => undefined);
  }

  #invoke<T>(event: string, handler: Handler<T>, value: T): void {
    try {
      const result = handler(value);
      if (isPromiseLike(result)) result.then(undefined, (error: unknown) => this.emitError(new HandlerError(event, error)));
    } catch (error) {
      this.emitError(new HandlerError(event, error));
    }
  }

  #scheduleSubscriptionSync(): void {
    if (this.#syncScheduled || this.#disposed) return;
    this.#syncScheduled = true;
    queueMicrotask(() => {
      this.#syncScheduled = false;
      if (!this.#disposed) this.#onSubscriptionsChanged(this.subscriptions());
    });
  }
}

const MAX_CACHED_ROUTES = 64;
/** Keys of the setting-change registry for what is not one setting: they start with a NUL, which no setting key holds. */
const ALL_SETTINGS = '\u0000all';
const SYSTEM_SETTING = '\u0000system:';

const SESSION_EVENTS: readonly string[] = ['connected', 'disconnected', 'error', 'settings_update'];

function isSessionEvent(event: string): event is SessionEventName {
  return SESSION_EVENTS.includes(event);
}

function assertValidStream(stream: string): void {
  if (!isValidSubscription(stream)) throw new InvalidSubscriptionError(stream);
}

/** Equal values, compared by their JSON; a value too deep or cyclic to serialise counts as changed. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}
