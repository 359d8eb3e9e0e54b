import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloseCode,
  StreamType,
  WILDCARD_STREAMS,
  buildDataStream,
  isValidSubscription,
  parseStreamData,
  type AppSetting,
  type CloudDialect,
} from '@tpa/sdk/protocol';
import { AppRegistrationSchema, AppRegistry, type AppInfo, type AppRegistration } from './apps/app-registry.js';
import { SettingsStore } from './apps/settings-store.js';
import { DisplayBoard } from './display/display-board.js';
import { createTerminalView } from './display/terminal-view.js';
import type { DisplayChange, DisplayHistoryEntry, DisplaySnapshot } from './display/view-state.js';
import { InvalidRequestError, NoSessionError, NotConnectedError } from './errors.js';
import { createControlApi } from './http/control-api.js';
import { parseBody } from './http/json-io.js';
import { LiveEvents } from './http/live-events.js';
import { createRequestHandler } from './http/request-handler.js';
import { resolveOptions, type DevCloudOptions, type ResolvedOptions } from './options.js';
import { AppGateway } from './sessions/app-gateway.js';
import type { SessionInfo } from './sessions/cloud-session.js';
import { applyFault, FaultSchema, type Fault } from './sessions/faults.js';
import { SessionManager } from './sessions/session-manager.js';
import { SessionTable } from './sessions/session-table.js';
import { routeEvent } from './sessions/stream-router.js';
import { Signal } from './signal.js';
import { waitUntil } from './wait-until.js';

/** Where an event went: one entry per session that got it, with the `streamType` it was labelled with. */
export interface Delivery {
  readonly packageName: string;
  readonly sessionId: string;
  readonly streamType: string;
}

/** Which cloud a dev cloud imitates, as `GET /api/cloud` shows it. */
export interface CloudInfo {
  readonly dialect: CloudDialect;
  /** For people: which real cloud, at which commits. */
  readonly description: string;
  readonly websocketUrl: string;
}

export interface WaitOptions {
  /** Default 5 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_WAIT_MS = 5000;

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * A running local cloud that imitates one real cloud (its {@link dialect}): the app socket
 * endpoint, the HTTP control API, the live event stream, the emulator page and, optionally, the
 * terminal view. Made by {@link createDevCloud}; {@link close} (or `await using`) stops
 * everything it started.
 */
export class DevCloud implements AsyncDisposable {
  /** `http://host:port`: the control API and the emulator page. */
  readonly url: string;
  /** `ws://host:port/app-ws` (later) or `ws://host:port/tpa-ws` (spring): what session requests name. */
  readonly websocketUrl: string;
  /** The real cloud it imitates. */
  readonly dialect: CloudDialect;
  readonly port: number;
  private readonly apps = new AppRegistry();
  private readonly settings = new SettingsStore();
  private readonly table: SessionTable;
  private readonly display: DisplayBoard;
  private readonly sessions: SessionManager;
  private readonly gateway: AppGateway;
  private readonly live: LiveEvents;
  private readonly server: Server;
  private readonly options: ResolvedOptions;
  private readonly displayChanged = new Signal<DisplayChange>();
  private readonly sessionsChanged = new Signal<readonly SessionInfo[]>();
  private readonly lifetime = new AbortController();
  private closing: Promise<void> | undefined;

  /** Use {@link createDevCloud}. */
  private constructor(options: ResolvedOptions, server: Server, port: number) {
    this.options = options;
    this.server = server;
    this.port = port;
    // Every stop webhook and every wait in flight listens to it; each removes its listener when done.
    setMaxListeners(0, this.lifetime.signal);
    const host = urlHost(options.host);
    this.url = `http://${host}:${port}`;
    this.dialect = options.dialect.name;
    this.websocketUrl = `ws://${host}:${port}${options.dialect.socketPath}`;
    const { logger } = options;
    const onListenerError = (error: unknown): void => logger.error({ err: error }, 'a dev cloud listener failed');
    this.table = new SessionTable(() => this.sessionsChanged.emit(this.table.list(), onListenerError));
    this.display = new DisplayBoard({
      throttleMs: options.displayThrottleMs,
      historyLimit: options.historyLimit,
      onChange: (change) => this.displayChanged.emit(change, onListenerError),
    });
    this.sessions = new SessionManager({
      apps: this.apps,
      settings: this.settings,
      table: this.table,
      display: this.display,
      dialect: options.dialect,
      restartGraceMs: options.restartGraceMs,
      webhookPolicy: {
        timeoutMs: options.webhookTimeoutMs,
        retries: 1,
        retryDelayMs: options.webhookRetryDelayMs,
        secret: options.webhookSecret,
      },
      logger,
      websocketUrl: () => this.websocketUrl,
      lifetime: this.lifetime.signal,
    });
    this.gateway = new AppGateway({
      dialect: options.dialect,
      pingIntervalMs: options.pingIntervalMs,
      silenceTimeoutMs: options.silenceTimeoutMs,
      initTimeoutMs: options.initTimeoutMs,
      maxMessageBytes: options.maxMessageBytes,
      logger,
      handlers: this.sessions,
    });
    this.live = new LiveEvents(options.livePingIntervalMs);
    this.displayChanged.subscribe((change) => this.live.broadcast({ event: 'display', data: change }));
    this.sessionsChanged.subscribe((sessions) => this.live.broadcast({ event: 'sessions', data: { sessions } }));
    if (options.terminal) this.displayChanged.subscribe(createTerminalView(options.terminalWriter));
    const router = createControlApi({ cloud: this, live: this.live, maxBodyBytes: options.maxBodyBytes });
    server.on('request', createRequestHandler(router, logger));
    server.on('upgrade', (request, socket, head) => this.gateway.handleUpgrade(request, socket, head));
    for (const app of options.apps) this.registerApp(app);
  }

  /** @internal Starts the server; see {@link createDevCloud}. */
  static async start(options: DevCloudOptions = {}): Promise<DevCloud> {
    const resolved = resolveOptions(options);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    try {
      const cloud = new DevCloud(resolved, server, port);
      resolved.logger.info({ url: cloud.url, websocketUrl: cloud.websocketUrl, dialect: cloud.dialect }, 'dev cloud listening');
      return cloud;
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      throw error;
    }
  }

  /** Registers an app (or replaces the registration of the same package). */
  registerApp(registration: AppRegistration): AppInfo {
    const app = this.apps.register(parseBody(AppRegistrationSchema, registration, 'app registration'));
    this.options.logger.info({ packageName: app.packageName, webhookUrl: app.webhookUrl }, 'app registered');
    return app;
  }

  listApps(): AppInfo[] {
    return this.apps.list();
  }

  /** Which cloud this imitates and where its app socket is. */
  describe(): CloudInfo {
    return { dialect: this.dialect, description: this.options.dialect.description, websocketUrl: this.websocketUrl };
  }

  /**
   * Starts an app for a user: sends the session_request webhook and resolves once the app's
   * socket was acked. Fails with `UnknownAppError`, `WebhookFailedError` or `AppNeverConnectedError`.
   */
  startApp(userId: string, packageName: string): Promise<SessionInfo> {
    if (userId.length === 0) return Promise.reject(new InvalidRequestError('a user id is required'));
    return this.sessions.start(userId, packageName);
  }

  /**
   * Stops a user's app as the user would from the phone. Spring: close 1000 `App stopped by user`,
   * then the `stop_request` webhook. Later: the webhook first, then `app_stopped` and close 1000
   * `App stopped`.
   */
  stopApp(userId: string, packageName: string): Promise<void> {
    return this.sessions.stop(userId, packageName);
  }

  /**
   * Ends a user's whole session (the phone went away for good): every app of the user gets, with
   * no webhook, close 1001 `User session ended` (spring) or `app_stopped` and close 1000
   * `User session ended` (later). Fails with `NoSessionError` when the user runs no app.
   */
  endUserSession(userId: string): Promise<void> {
    return this.sessions.endUserSession(userId);
  }

  /**
   * Sends a phone or glasses event of a user to every app subscribed to it, as the cloud routes
   * it, and says where it went. The data must fit its stream (a notification needs its fields).
   * A dismissal goes out under the dialect's name (`notification_dismissed` in spring,
   * `phone_notification_dismissed` in later), whichever name it is sent with.
   */
  sendEvent(userId: string, streamType: string, data: Record<string, unknown>): Delivery[] {
    if (!isValidSubscription(streamType) || WILDCARD_STREAMS.includes(streamType)) {
      throw new InvalidRequestError(`"${streamType}" is not a stream type an event can have`);
    }
    if (streamType === StreamType.AUDIO_CHUNK) {
      throw new InvalidRequestError('audio_chunk travels as binary frames; events are JSON streams only');
    }
    const parsed = parseStreamData(streamType, data);
    if (!parsed.ok) throw new InvalidRequestError(parsed.error.message);
    const routed = this.options.dialect.eventStreamName(streamType);
    const subscribers = this.table
      .forUser(userId)
      .filter((session) => session.state === 'active' && session.connection?.isOpen)
      .map((session) => ({ target: session, subscriptions: session.subscriptions }));
    const delivered: Delivery[] = [];
    for (const { target: session, streamType: label } of routeEvent(subscribers, routed, data)) {
      if (session.connection?.send(buildDataStream(session.sessionId, label, data))) {
        delivered.push({ packageName: session.packageName, sessionId: session.sessionId, streamType: label });
      }
    }
    this.options.logger.debug({ userId, streamType, delivered: delivered.length }, 'event sent');
    return delivered;
  }

  getDisplay(userId: string): DisplaySnapshot {
    return this.display.snapshot(userId);
  }

  getDisplayHistory(userId: string): DisplayHistoryEntry[] {
    return this.display.history(userId);
  }

  listSessions(): SessionInfo[] {
    return this.table.list();
  }

  /** Makes a session's socket misbehave: drop, silence, a malformed frame, or a close with a code. */
  injectFault(sessionId: string, fault: Fault): void {
    const checked = parseBody(FaultSchema, fault, 'fault');
    const session = this.table.get(sessionId);
    if (!session) throw new NoSessionError(`with id ${sessionId}`);
    if (!session.connection?.isOpen) throw new NotConnectedError(sessionId);
    this.options.logger.info({ sessionId, fault: checked }, 'injecting a fault');
    applyFault(session.connection, checked);
  }

  /**
   * Changes a user's settings of an app as the phone's settings page does, and returns them all
   * (declared, each with its value). The app gets every setting as `{key, value}` pairs: a
   * `settings_update` on its open socket, then a `POST <publicUrl>/settings`
   * (`{userIdForSettings, settings}`, in the background; signed when a webhook secret is set).
   */
  updateSettings(userId: string, packageName: string, values: Readonly<Record<string, unknown>>): AppSetting[] {
    const app = this.apps.get(packageName);
    const pairs = this.settings.update(userId, app.packageName, values);
    this.sessions.pushSettings(userId, app.packageName, pairs);
    return this.settings.settingsFor(userId, app.packageName);
  }

  /** A user's current settings of an app. */
  getSettings(userId: string, packageName: string): AppSetting[] {
    return this.settings.settingsFor(userId, packageName);
  }

  /** Calls `listener` on every change of any user's display. */
  onDisplayChange(listener: (change: DisplayChange) => void): () => void {
    return this.displayChanged.subscribe(listener);
  }

  /** Calls `listener` with every session after any session changes. */
  onSessionsChange(listener: (sessions: readonly SessionInfo[]) => void): () => void {
    return this.sessionsChanged.subscribe(listener);
  }

  /**
   * Resolves with the user's display once `predicate` holds for it (checked now and on every change).
   *
   * @example
   * ```ts
   * await cloud.waitForDisplay('alice@example.com', (d) => layoutText(d.views.main?.layout ?? layouts.empty()).includes('Lunch'));
   * ```
   */
  waitForDisplay(userId: string, predicate: (display: DisplaySnapshot) => boolean, options: WaitOptions = {}): Promise<DisplaySnapshot> {
    return waitUntil({
      check: () => {
        const snapshot = this.display.snapshot(userId);
        return predicate(snapshot) ? snapshot : undefined;
      },
      subscribe: (wake) =>
        this.displayChanged.subscribe((change) => {
          if (change.userId === userId) wake();
        }),
      timeoutMs: options.timeoutMs ?? DEFAULT_WAIT_MS,
      closed: this.lifetime.signal,
      describeTimeout: () => `the display of ${userId} did not match within ${options.timeoutMs ?? DEFAULT_WAIT_MS} ms; it is ${JSON.stringify(this.display.snapshot(userId).views)}`,
    });
  }

  /**
   * Resolves with the first session that matches: a predicate, or fields that must be equal.
   *
   * @example
   * ```ts
   * await cloud.waitForSession((s) => s.subscriptions.includes('phone_notification'));
   * ```
   */
  waitForSession(match: ((session: SessionInfo) => boolean) | Partial<Pick<SessionInfo, 'sessionId' | 'userId' | 'packageName' | 'state'>>, options: WaitOptions = {}): Promise<SessionInfo> {
    const predicate =
      typeof match === 'function'
        ? match
        : (session: SessionInfo): boolean => Object.entries(match).every(([key, value]) => session[key as keyof SessionInfo] === value);
    return waitUntil({
      check: () => this.table.list().find(predicate),
      subscribe: (wake) => this.sessionsChanged.subscribe(wake),
      timeoutMs: options.timeoutMs ?? DEFAULT_WAIT_MS,
      closed: this.lifetime.signal,
      describeTimeout: () => `no session matched within ${options.timeoutMs ?? DEFAULT_WAIT_MS} ms; the sessions are ${JSON.stringify(this.table.list())}`,
    });
  }

  /**
   * Stops everything: pending waits fail, sessions end (their sockets close with 1001), the live
   * streams end, every timer is cleared and the server closes. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutdown(): Promise<void> {
    this.lifetime.abort();
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.sessions.close();
    await this.gateway.close(CloseCode.GOING_AWAY);
    this.live.close();
    this.display.dispose();
    this.displayChanged.clear();
    this.sessionsChanged.clear();
    this.server.closeAllConnections();
    await serverClosed;
    this.options.logger.info('dev cloud closed');
  }
}

/**
 * Starts a dev cloud and resolves once it listens.
 *
 * @example
 * ```ts
 * await using cloud = await createDevCloud({ apps: [{ packageName: 'com.example.notes', webhookUrl, apiKey }] });
 * await cloud.startApp('alice@example.com', 'com.example.notes');
 * cloud.sendEvent('alice@example.com', 'phone_notification', notification);
 * await cloud.waitForDisplay('alice@example.com', (d) => d.views.main !== null);
 * ```
 */
export function createDevCloud(options: DevCloudOptions = {}): Promise<DevCloud> {
  return DevCloud.start(options);
}
