import {
  buildConnectionInit,
  buildOwnershipRelease,
  buildSubscriptionUpdate,
  CloseCode,
  CloudToTpaMessageType,
  DEFAULT_CLOUD_WEBSOCKET_URL,
  DEFAULT_MAX_MESSAGE_BYTES,
  isFinalClose,
  dialectOfUrl,
  streamNameFor,
  type CloudDialect,
  isUserStop,
  LATER_DIALECT_CLOUD_TO_TPA_TYPES,
  readSettings,
  ProtocolError,
  userIdFromSessionId,
  type ButtonPress,
  type HeadPosition,
  type NotificationDismissed,
  type PhoneNotification,
  type TranscriptionData,
  type TranslationData,
  type WireSetting,
  type CloudToTpaMessage,
  type ConnectionAck,
  type DisplayEvent,
} from '../protocol/index.js';
import type { TpaError } from '../errors.js';
import { safeLogger, silentLogger, type SdkLogger } from '../logging/index.js';
import { Scope, type Disposer, type Resource, type ScopeCloseReason, type TimerHandle } from '../resources/index.js';
import { EventManager, type Handler } from '../events/index.js';
import { deprecated } from '../deprecation.js';
import { LayoutManager, replayDisplays, type DisplayResult } from '../layouts/index.js';
import { CloudConnection, type CloudConnectionOptions, type ConnectionLoss } from './cloud-connection.js';
import {
  onConnectionAck,
  onConnectionBlocked,
  onConnectionDrained,
  onConnectionBinary,
  onConnectionInternalError,
  onConnectionLost,
  onConnectionMessage,
  onConnectionProtocolError,
  type ConnectionOwner,
} from './connection-owner.js';
import { SessionError } from './errors.js';
import { DEFAULT_RECONNECT, retryWithBackoff, type ReconnectOptions } from './reconnect-policy.js';
import { SESSION_DEFAULTS, type SessionEndKind, type SessionEndReason, type SessionState, type TpaSessionConfig } from './session-config.js';
import { SessionSettings } from './settings-store.js';
import { runInSession } from './session-context.js';

/**
 * One user's run of your app. Everything made through it (handlers, timers, intervals, cleanups,
 * anything added to `scope`) dies with it, whichever way it ends: `disconnect()`, closing its
 * `scope`, the user stopping the app, a lost connection that could not be restored, or the server
 * shutting down. Every one of those goes through the same ending (see {@link SessionState}).
 *
 * @example
 * ```ts
 * const session = new TpaSession({ packageName: 'com.example.clock', apiKey, augmentOSWebsocketUrl });
 * await session.connect(sessionId);
 * session.setInterval(() => session.layouts.showTextWall(new Date().toLocaleTimeString()), 1_000);
 * session.events.onButtonPress(() => void session.disconnect());
 * ```
 */
export class TpaSession implements AsyncDisposable, ConnectionOwner {
  readonly packageName: string;
  readonly events: EventManager;
  readonly layouts: LayoutManager;
  readonly settings: SessionSettings;
  /**
   * Owns everything the session made. Closing it ends the session exactly as `disconnect()` does;
   * it is closed, with a {@link SessionEndReason}, whichever way the session ends.
   */
  readonly scope: Scope;
  readonly logger: SdkLogger;

  readonly #config: TpaSessionConfig;
  readonly #reconnect: Required<ReconnectOptions> | false;
  /** Which cloud the URL is (its path): stream names and a few behaviours differ (PROTOCOL.md §11). */
  readonly #dialect: CloudDialect;
  #state: SessionState = 'idle';
  #sessionId: string | undefined;
  #userId: string | undefined;
  /** The acknowledged connection that sends go through; set only while `connected`. */
  #connection: CloudConnection | undefined;
  /** How many connections were acknowledged: the first is not a reconnect. */
  #connections = 0;
  /** When the current (or last) connection was acknowledged. */
  #connectedAt: number | undefined;
  /** Reconnect attempts used since the last connection that lasted `stableAfterMs`. */
  #attemptsUsed = 0;
  /** Resolves once the session is `closed`; made when the ending starts. */
  #ended: Promise<void> | undefined;
  /** Timers given to registerTimer; pruned of spent ones each time the set doubles. */
  readonly #registeredTimers = new Set<TimerHandle>();
  #pruneAt = MIN_PRUNE_AT;
  #lastSubscriptions = '';
  #capabilities: Readonly<Record<string, unknown>> | undefined;

  constructor(config: TpaSessionConfig) {
    if (!config.packageName) throw new TypeError('TpaSession needs a packageName');
    this.#config = config;
    this.packageName = config.packageName;
    this.#sessionId = config.sessionId;
    this.#userId = config.userId;
    this.#dialect = dialectOfUrl(config.augmentOSWebsocketUrl ?? DEFAULT_CLOUD_WEBSOCKET_URL);
    this.#reconnect = config.reconnect === false ? false : config.reconnect ? { ...DEFAULT_RECONNECT, ...config.reconnect } : DEFAULT_RECONNECT;
    this.logger = safeLogger(config.logger ?? silentLogger).child({ packageName: config.packageName });
    this.events = new EventManager({ logger: this.logger, onSubscriptionsChanged: (streams) => this.#syncSubscriptions(streams) });
    this.settings = new SessionSettings(config.declaredSettings, this.events);
    this.layouts = new LayoutManager({
      packageName: config.packageName,
      sessionId: () => this.#sessionId,
      send: (message) => this.#sendDisplay(message),
      logger: this.logger,
    });
    // Made last: a parent that is already closed ends the session at once, through #onEnding.
    this.scope = new Scope({
      name: `session ${config.packageName}`,
      cleanupTimeoutMs: config.cleanupTimeoutMs ?? SESSION_DEFAULTS.cleanupTimeoutMs,
      onError: (error) => this.events.emitError(error),
      onClosing: (reason, closed) => this.#onEnding(reason as SessionEndReason, closed),
      ...(config.parentScope ? { parent: config.parentScope } : {}),
    });
  }

  get state(): SessionState {
    return this.#state;
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The user, from the config or the session id; `''` before `connect()` when neither says. */
  get userId(): string {
    return this.#userId ?? '';
  }

  /**
   * What the user's glasses can do (`hasCamera`, `hasScreen`, `hasMicrophone`, ...), as the later
   * cloud's ack says (W8); `undefined` when the cloud did not say (the spring cloud never does).
   */
  get capabilities(): Readonly<Record<string, unknown>> | undefined {
    return this.#capabilities;
  }

  /** Aborted when the session starts ending; pass it to `fetch` and friends. */
  get signal(): AbortSignal {
    return this.scope.signal;
  }

  /** How the session ended, once its ending started. */
  get endReason(): SessionEndReason | undefined {
    return this.scope.closeReason as SessionEndReason | undefined;
  }

  /**
   * Opens the socket, sends `tpa_connection_init` and resolves once the cloud acknowledged it
   * (settings are then in `session.settings`). Rejects with a {@link SessionError}:
   * `AUTH_REJECTED` (close 1008 or a refusal), `CONNECTION_FAILED`, `CONNECT_TIMEOUT`,
   * `SESSION_CLOSED` (it ended meanwhile), or `INVALID_STATE` (it is not `idle`). A session that
   * failed to connect has ended and cleaned up.
   */
  async connect(sessionId: string): Promise<void> {
    if (this.#state !== 'idle') {
      const code = this.#state === 'closing' || this.#state === 'closed' ? 'SESSION_CLOSED' : 'INVALID_STATE';
      throw new SessionError(code, `connect() needs an idle session; this one is ${this.#state}`, { sessionId: this.#sessionId });
    }
    if (this.#config.sessionId !== undefined && sessionId !== this.#config.sessionId) {
      throw new SessionError('INVALID_STATE', `connect("${sessionId}") on a session made for "${this.#config.sessionId}"`, { sessionId: this.#config.sessionId });
    }
    this.#sessionId = sessionId;
    this.#userId ??= userIdFromSessionId(sessionId, this.packageName);
    this.#state = 'connecting';
    this.logger.debug({ sessionId, url: this.#url }, 'connecting');
    try {
      // Made in the session's context: every event of its socket (every handler, and the
      // reconnects that follow) runs as the session's code.
      await runInSession(this, () => this.#openConnection());
    } catch (error) {
      await this.#end({ kind: 'connect_failed', message: error instanceof Error ? error.message : String(error), cause: error });
      throw error;
    }
  }

  /**
   * Ends the session: closes the socket with 1000, runs every cleanup once (last registered
   * first), and resolves when the session is `closed`. Safe to call any number of times and from
   * anywhere, a handler or one of its own cleanups included (that call joins the ending).
   */
  disconnect(reason: SessionEndReason = { kind: 'disconnected', message: 'disconnected by the app' }): Promise<void> {
    return this.#end(reason);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  /**
   * Replaces the settings with `settings` (key/value pairs or full declared settings) and fires the
   * settings events, as a `settings_update` from the cloud does. Values that their declaration
   * rejects are left out (their default stands) and reported as one `INVALID_SETTING` error event.
   */
  applySettings(settings: readonly WireSetting[]): void {
    if (this.#isEnding()) return;
    const { previous, current, problems } = this.settings.replace(settings);
    this.#reportSettingProblems([], problems);
    this.events.emitSettingsUpdate(this.settings.all(), previous, current);
  }

  // The seed's resource API, kept exactly.

  /** Subscribes to a stream without a handler. */
  subscribe(stream: string): void {
    this.events.subscribe(stream);
  }

  unsubscribe(stream: string): void {
    this.events.unsubscribe(stream);
  }

  /** Takes ownership of a timer made elsewhere: it is cleared when the session ends. */
  registerTimer<T extends TimerHandle>(timer: T): T {
    // A timer made elsewhere fires or is cleared without the session knowing: forget the spent
    // ones each time the set has doubled, so that a long session registering a timer per event
    // stays bounded at amortized O(1) a call.
    if (this.#registeredTimers.size >= this.#pruneAt) {
      for (const registered of this.#registeredTimers) {
        if (!isSpent(registered)) continue;
        this.#registeredTimers.delete(registered);
        this.scope.forget(registered);
        // Cleared too, so that a refresh() of a fired timer cannot re-arm it outside the session.
        clearTimeout(registered);
      }
      this.#pruneAt = Math.max(MIN_PRUNE_AT, this.#registeredTimers.size * 2);
    }
    if (this.scope.isOpen) this.#registeredTimers.add(timer);
    return this.scope.add(timer);
  }

  /**
   * Runs `cleanup(reason)` when the session ends; the returned disposer unregisters it. A cleanup
   * may await `session.disconnect()`: it joins the ending in progress.
   */
  registerCleanup(cleanup: (reason: SessionEndReason) => unknown): Disposer {
    return this.scope.onClose(cleanup as (reason: ScopeCloseReason) => unknown);
  }

  /** Registers a handler by event name (a stream, or `connected`/`disconnected`/`error`/`settings_update`). */
  registerEventHandler(event: string, handler: (...args: never[]) => unknown): Disposer {
    return this.events.register(event, handler);
  }

  /** Takes ownership of any resource (a disposable, a function, an AbortController, a timer). */
  own<T extends Resource>(resource: T): T {
    return this.scope.add(resource);
  }

  /** A `setTimeout` that dies with the session; a throwing callback becomes an `error` event. */
  setTimeout<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): TimerHandle {
    return this.scope.setTimeout(callback, ms, ...args);
  }

  /** A `setInterval` that dies with the session. */
  setInterval<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): TimerHandle {
    return this.scope.setInterval(callback, ms, ...args);
  }

  clearTimeout(timer: TimerHandle | undefined): void {
    this.scope.clearTimer(timer);
  }

  // The names of `@mentra/sdk` 2.x (and `@augmentos/sdk` 1.x) sessions, so that apps written for
  // them work unchanged. Those with a better form here warn once, naming it.

  /** @deprecated Use `session.events.onTranscription`. */
  onTranscription(handler: Handler<TranscriptionData>): Disposer {
    deprecated('session.onTranscription()', 'session.events.onTranscription()');
    return this.events.onTranscription(handler);
  }

  /** @deprecated Use `session.events.onTranscriptionForLanguage`. The third argument of 2.x is accepted and ignored. */
  onTranscriptionForLanguage(language: string, handler: Handler<TranscriptionData>, _disableLanguageIdentification?: boolean): Disposer {
    deprecated('session.onTranscriptionForLanguage()', 'session.events.onTranscriptionForLanguage()');
    return this.events.onTranscriptionForLanguage(language, handler);
  }

  /** @deprecated Use `session.events.onTranslation`. */
  onTranslationForLanguage(source: string, target: string, handler: Handler<TranslationData>): Disposer {
    deprecated('session.onTranslationForLanguage()', 'session.events.onTranslation()');
    return this.events.onTranslation(source, target, handler);
  }

  /** @deprecated Use `session.events.onHeadPosition`. */
  onHeadPosition(handler: Handler<HeadPosition>): Disposer {
    deprecated('session.onHeadPosition()', 'session.events.onHeadPosition()');
    return this.events.onHeadPosition(handler);
  }

  /** @deprecated Use `session.events.onButtonPress`. */
  onButtonPress(handler: Handler<ButtonPress>): Disposer {
    deprecated('session.onButtonPress()', 'session.events.onButtonPress()');
    return this.events.onButtonPress(handler);
  }

  /** @deprecated Use `session.events.onPhoneNotifications`. */
  onPhoneNotifications(handler: Handler<PhoneNotification>): Disposer {
    deprecated('session.onPhoneNotifications()', 'session.events.onPhoneNotifications()');
    return this.events.onPhoneNotifications(handler);
  }

  /** @deprecated Use `session.events.onNotificationDismissed`. */
  onPhoneNotificationDismissed(handler: Handler<NotificationDismissed>): Disposer {
    deprecated('session.onPhoneNotificationDismissed()', 'session.events.onNotificationDismissed()');
    return this.events.onNotificationDismissed(handler);
  }

  /** @deprecated Use `session.events.onTouchEvent`. */
  onTouchEvent(gestureOrHandler: string | Handler<Record<string, unknown>>, handler?: Handler<Record<string, unknown>>): Disposer {
    deprecated('session.onTouchEvent()', 'session.events.onTouchEvent()');
    return this.events.onTouchEvent(gestureOrHandler, handler);
  }

  /** @deprecated Use `session.events.on`. */
  on(stream: string, handler: Handler<never>): Disposer {
    deprecated('session.on()', 'session.events.on()');
    return this.events.register(stream, handler);
  }

  /** The session id (2.x `getSessionId()`); `sessionId` is the same. */
  getSessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The app's package name (2.x `getPackageName()`). */
  getPackageName(): string {
    return this.packageName;
  }

  /** @deprecated Use `session.settings.all()`. */
  getSettings(): readonly WireSetting[] {
    deprecated('session.getSettings()', 'session.settings.all()');
    return this.settings.all();
  }

  /** @deprecated Use `session.settings.get(key)`. */
  getSetting<T = unknown>(key: string): T | undefined {
    deprecated('session.getSetting()', 'session.settings.get()');
    return this.settings.get<T>(key);
  }

  /** The cloud's HTTP address, from its socket URL (2.x `getServerUrl()`): `ws://host/app-ws` gives `http://host`. */
  getServerUrl(): string | undefined {
    try {
      const url = new URL(this.#url);
      url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
      url.pathname = url.pathname.replace(/\/(app-ws|tpa-ws)$/, '');
      return url.toString().replace(/\/$/, '');
    } catch {
      return undefined;
    }
  }

  /** The same as {@link TpaSession.getServerUrl}, always `https:` (2.x `getHttpsServerUrl()`). */
  getHttpsServerUrl(): string | undefined {
    return this.getServerUrl()?.replace(/^http:/, 'https:');
  }

  clearInterval(timer: TimerHandle | undefined): void {
    this.scope.clearTimer(timer);
  }

  // Internals

  get #url(): string {
    return this.#config.augmentOSWebsocketUrl ?? DEFAULT_CLOUD_WEBSOCKET_URL;
  }

  #isEnding(): boolean {
    return this.#state === 'closing' || this.#state === 'closed';
  }

  async #openConnection(): Promise<void> {
    const sessionId = this.#sessionId as string;
    const connection: CloudConnection = this.scope.add(
      this.#newConnection({
        url: this.#url,
        sessionId,
        logger: this.logger,
        watchdogTimeoutMs: this.#config.watchdogTimeoutMs ?? SESSION_DEFAULTS.watchdogTimeoutMs,
        maxMessageBytes: this.#config.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
        closeTimeoutMs: this.#config.closeTimeoutMs ?? SESSION_DEFAULTS.closeTimeoutMs,
        sendBufferLimitBytes: this.#config.sendBufferLimitBytes ?? SESSION_DEFAULTS.sendBufferLimitBytes,
        sendBlockedTimeoutMs: this.#config.sendBlockedTimeoutMs ?? SESSION_DEFAULTS.sendBlockedTimeoutMs,
        owner: this,
      }),
    );
    try {
      const init = buildConnectionInit({ packageName: this.packageName, sessionId, apiKey: this.#config.apiKey });
      await connection.open(init, this.#config.connectTimeoutMs ?? SESSION_DEFAULTS.connectTimeoutMs);
      if (this.#isEnding()) throw new SessionError('SESSION_CLOSED', 'the session ended while connecting', { sessionId });
    } catch (error) {
      this.#discard(connection);
      throw error;
    }
    const reconnected = this.#connections > 0;
    this.#connection = connection;
    this.#connections++;
    this.#connectedAt = Date.now();
    this.#state = 'connected';
    this.#lastSubscriptions = ''; // a new connection starts with no subscriptions on the cloud side
    this.logger.info({ sessionId, reconnected }, 'connected');
    this.#syncSubscriptions(this.events.subscriptions());
    this.layouts[replayDisplays]();
    this.events.emitConnected(this.settings.all(), { reconnected });
  }

  #newConnection(options: CloudConnectionOptions): CloudConnection {
    try {
      return new CloudConnection(options);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new SessionError('CONNECTION_FAILED', `cannot connect to "${options.url}": ${detail}`, { sessionId: options.sessionId, cause: error });
    }
  }

  /** Forgets a connection and tears it down at once; its late events reach no one. */
  #discard(connection: CloudConnection): void {
    if (this.#connection === connection) this.#connection = undefined;
    this.scope.forget(connection);
    connection[Symbol.dispose]();
  }

  // What its connections report (see connection-owner.ts).

  [onConnectionAck](ack: ConnectionAck): void {
    const { problems } = this.settings.replace(this.#readSettings(ack.settings ?? []));
    this.#reportSettingProblems([], problems);
    this.settings.mergeSystem(ack.mentraosSettings ?? ack.augmentosSettings);
    if (isPlainRecord(ack.capabilities)) this.#capabilities = Object.freeze({ ...ack.capabilities });
  }

  [onConnectionMessage](message: CloudToTpaMessage): void {
    this.#onMessage(message);
  }

  [onConnectionBinary](data: Buffer): void {
    if (!this.#isEnding()) this.events.dispatchAudio(data);
  }

  [onConnectionProtocolError](error: ProtocolError): void {
    this.#onProtocolError(error);
  }

  [onConnectionLost](connection: CloudConnection, loss: ConnectionLoss): void {
    this.#onLost(connection, loss).catch((error: unknown) => this.logger.error({ err: error }, 'handling a lost connection failed'));
  }

  [onConnectionInternalError](error: TpaError): void {
    this.events.emitError(error);
  }

  [onConnectionBlocked](bufferedBytes: number): void {
    this.logger.warn({ bufferedBytes }, 'the cloud is not reading the socket; displays wait (the newest of each view is kept)');
    this.events.emitError(new SessionError('SEND_BLOCKED', `the cloud is not reading the socket (${bufferedBytes} bytes waiting): displays wait, the newest of each view is kept`, { sessionId: this.#sessionId }));
  }

  [onConnectionDrained](): void {
    if (this.#state === 'connected') this.layouts[replayDisplays]();
  }

  #onMessage(message: CloudToTpaMessage): void {
    if (this.#isEnding()) return; // nothing is delivered once the session started ending
    switch (message.type) {
      case CloudToTpaMessageType.DATA_STREAM:
        this.events.dispatchStream(message.streamType, message.data);
        return;
      case CloudToTpaMessageType.SETTINGS_UPDATE:
        this.applySettings(this.#readSettings(message.settings));
        return;
      case CloudToTpaMessageType.CONNECTION_ERROR:
      case CloudToTpaMessageType.TPA_CONNECTION_ERROR:
        this.events.emitError(new SessionError('CLOUD_ERROR', `the cloud reported an error: ${message.message}`, { sessionId: this.#sessionId }));
        return;
      case CloudToTpaMessageType.APP_STOPPED:
        if (message.reason) {
          void this.#end({ kind: 'stopped_by_user', message: message.message ?? message.reason });
          return;
        }
        // The later cloud's form (W4): no reason, and the close that follows at once says whether the
        // user stopped the app (`App stopped`) or their whole session ended (`User session ended`,
        // AppManager.ts L1133-1140 at c1f57fc3). Wait for it a little; without it, the user stopped it.
        this.scope.setTimeout(() => void this.#end({ kind: 'stopped_by_user', message: 'app_stopped' }), APP_STOPPED_CLOSE_WAIT_MS);
        return;
      case CloudToTpaMessageType.CONNECTION_ACK:
        this.logger.debug('duplicate tpa_connection_ack ignored');
        return;
      case CloudToTpaMessageType.AUGMENTOS_SETTINGS_UPDATE:
        this.settings.mergeSystem(message.settings);
        return;
    }
  }

  /** The valid settings of a list from the cloud; the invalid ones are one error event. */
  #readSettings(list: readonly unknown[]): WireSetting[] {
    const { settings, errors } = readSettings(list);
    this.#reportSettingProblems(errors, []);
    return settings;
  }

  /**
   * One error event for a whole batch of refused settings, listing the first few: a frame of
   * thousands of bad settings must cost one event, not thousands.
   */
  #reportSettingProblems(errors: readonly ProtocolError[], problems: readonly string[]): void {
    const lines = [...errors.map((error) => error.message), ...problems];
    if (lines.length === 0) return;
    const shown = lines.slice(0, MAX_REPORTED_SETTINGS);
    const more = lines.length > shown.length ? `; and ${lines.length - shown.length} more` : '';
    const issues = errors.flatMap((error) => error.issues).slice(0, MAX_REPORTED_SETTINGS);
    this.events.emitError(new ProtocolError('INVALID_SETTING', `${lines.length} setting(s) ignored: ${shown.join('; ')}${more}`, { issues }));
  }

  #onProtocolError(error: ProtocolError): void {
    if (error.code === 'UNKNOWN_TYPE' && error.messageType && LATER_DIALECT_CLOUD_TO_TPA_TYPES.includes(error.messageType)) {
      this.logger.debug({ type: error.messageType }, 'later-dialect message not handled by this SDK; ignored');
      return;
    }
    this.events.emitError(error);
  }

  async #onLost(connection: CloudConnection, loss: ConnectionLoss): Promise<void> {
    if (connection !== this.#connection || this.#state !== 'connected') return;
    this.#discard(connection);
    const lost = { closeCode: loss.code, closeReason: loss.reason };
    if (isFinalClose(loss.code, loss.reason) && !loss.stale) {
      const kind: SessionEndKind = isUserStop(loss.reason) ? 'stopped_by_user' : 'cloud_closed';
      await this.#end({ kind, message: `closed by the cloud: ${loss.code} ${loss.reason}`.trim(), ...lost });
      return;
    }
    this.logger.warn({ code: loss.code, reason: loss.reason, stale: loss.stale }, 'connection lost');
    if (!this.#reconnect) {
      await this.#end({ kind: 'connection_lost', message: `connection lost: ${loss.code}`, ...lost });
      return;
    }
    this.#state = 'reconnecting';
    this.events.emitDisconnected({ code: loss.code, reason: loss.reason, willReconnect: true });
    await this.#reconnectLoop(this.#reconnect, loss);
  }

  async #reconnectLoop(policy: Required<ReconnectOptions>, loss: ConnectionLoss): Promise<void> {
    // A connection that lasted gives back the whole budget; one that did not keeps what it used.
    const lasted = this.#connectedAt !== undefined && Date.now() - this.#connectedAt >= policy.stableAfterMs;
    if (lasted) this.#attemptsUsed = 0;
    const outcome = await retryWithBackoff(policy, this.scope.signal, async (attempt) => {
      this.logger.info({ attempt }, 'reconnecting');
      try {
        await this.#openConnection();
      } catch (error) {
        if (!this.#isEnding()) this.logger.warn({ attempt, err: error }, 'reconnect attempt failed');
        throw error;
      }
    }, (error) => !(error instanceof SessionError && error.code === 'AUTH_REJECTED'), this.#attemptsUsed + 1);
    if (outcome.ok) {
      this.#attemptsUsed = outcome.attempt;
      return;
    }
    if (this.#isEnding()) return;
    const failure = new SessionError('RECONNECT_FAILED', `could not reconnect to ${this.#url}; the session ended`, {
      sessionId: this.#sessionId,
      closeCode: loss.code,
      closeReason: loss.reason,
      cause: outcome.lastError,
    });
    this.events.emitError(failure);
    await this.#end({ kind: 'connection_lost', message: failure.message, cause: failure, closeCode: loss.code, closeReason: loss.reason });
  }

  /**
   * When the app itself ends a session (its own `disconnect()`, or a newer session_request
   * replacing it), tells the later cloud not to restart it: that cloud restarts an app whose
   * socket closed unless told so (W12; `ownership_release` honoured from 0d673636e, as
   * `@mentra/sdk` 2.1.29 sends it on a replace). Not on the server's shutdown, whose sessions the
   * cloud should bring back elsewhere, nor to the spring cloud, which has no such restart.
   */
  #releaseOwnership(connection: CloudConnection | undefined, reason: SessionEndReason): void {
    if (!connection || this.#dialect !== 'later' || !this.#sessionId) return;
    const why = reason.kind === 'replaced' ? 'switching_clouds' : reason.kind === 'disconnected' ? 'clean_shutdown' : undefined;
    if (why) connection.send(buildOwnershipRelease(this.packageName, this.#sessionId, why));
  }

  #sendDisplay(message: DisplayEvent): DisplayResult {
    if (this.#isEnding()) return 'ended';
    // Not sent (no live connection, or a socket the cloud does not read): the layout manager keeps
    // the newest display of each view, and sends it once connected or drained.
    return this.#state === 'connected' && this.#connection?.send(message, true) === 'sent' ? 'sent' : 'queued';
  }

  #syncSubscriptions(streams: readonly string[]): void {
    if (this.#state !== 'connected' || !this.#sessionId || !this.#connection) return;
    const key = streams.join('\n');
    if (key === this.#lastSubscriptions) return;
    // Each stream under the name its cloud knows (W7: the dismissal stream differs).
    const named = streams.map((stream) => streamNameFor(stream, this.#dialect));
    if (this.#connection.send(buildSubscriptionUpdate(this.packageName, this.#sessionId, named)) === 'sent') this.#lastSubscriptions = key;
  }

  /** Every ending goes through the scope: closing it is the one way a session ends. */
  #end(reason: SessionEndReason): Promise<void> {
    void this.scope.close(reason);
    return this.#ended as Promise<void>;
  }

  /**
   * Runs synchronously as the scope starts closing, however that started, before any cleanup: the
   * session is `closing` from here on (nothing is delivered or sent, draws say `ended`), the owner
   * hears of it, and `disconnected` goes out while handlers are still registered. The scope then
   * runs the cleanups, last registered first, and closes a live socket gracefully (1000, bounded
   * by `closeTimeoutMs`); the handlers go last, so that cleanup errors still reach `error` handlers.
   */
  #onEnding(reason: SessionEndReason, closed: Promise<unknown>): void {
    const wasConnected = this.#connections > 0;
    const live = this.#state === 'connected' ? this.#connection : undefined;
    this.#state = 'closing';
    this.#connection = undefined;
    this.#releaseOwnership(live, reason);
    this.#ended = closed.then(() => {
      this.#registeredTimers.clear();
      this.events.dispose();
      this.#state = 'closed';
    });
    try {
      this.#config.onEnd?.(this, reason);
    } catch (error) {
      this.logger.error({ err: error }, 'the onEnd callback threw');
    }
    if (wasConnected) {
      this.events.emitDisconnected({ code: reason.closeCode ?? CloseCode.NORMAL, reason: reason.closeReason ?? reason.message ?? reason.kind, willReconnect: false });
    }
    this.logger.info({ sessionId: this.#sessionId, reason: reason.kind }, 'session ended');
  }
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How long an `app_stopped` with no reason waits for the close that tells why. */
const APP_STOPPED_CLOSE_WAIT_MS = 1_000;

/** How many refused settings one error event lists. */
const MAX_REPORTED_SETTINGS = 5;

/** Below this many registered timers, registerTimer does not look for spent ones. */
const MIN_PRUNE_AT = 32;

/** Whether a Node.js timer has fired (a timeout) or been cleared, by its own record of it. */
function isSpent(timer: TimerHandle): boolean {
  return (timer as { _destroyed?: boolean })._destroyed === true;
}
