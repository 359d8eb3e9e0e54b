import {
  CloseCode,
  CloseReason,
  buildConnectionAck,
  buildConnectionError,
  buildSessionWebhookRequest,
  buildStopWebhookRequest,
  invalidSubscriptions,
  makeSessionId,
  subscriptionNames,
  type ConnectionInit,
  type DisplayEvent,
  type StopReason,
  type SubscriptionUpdate,
} from '@tpa/sdk/protocol';
import type { Logger } from '@tpa/sdk/logging';
import type { AppInfo, AppRegistry } from '../apps/app-registry.js';
import type { SettingsStore } from '../apps/settings-store.js';
import type { DisplayBoard } from '../display/display-board.js';
import { AppNeverConnectedError, CloudClosedError, NoSessionError, StartCancelledError, WebhookFailedError } from '../errors.js';
import { RequestFailure } from '../outbound/json-request.js';
import { fetchTpaConfig } from '../outbound/tpa-config-fetch.js';
import { sendWebhook, WebhookDeliveryError, type WebhookPolicy } from '../outbound/webhook-sender.js';
import type { AppConnection } from './app-connection.js';
import type { AppMessageHandlers } from './app-gateway.js';
import { CloudSession, type SessionInfo } from './cloud-session.js';
import type { SessionTable } from './session-table.js';

/** The longest the cloud waits for an app's `tpa_config.json` before starting it without. */
const CONFIG_FETCH_TIMEOUT_MS = 3000;

export interface SessionManagerDeps {
  readonly apps: AppRegistry;
  readonly settings: SettingsStore;
  readonly table: SessionTable;
  readonly display: DisplayBoard;
  readonly webhookPolicy: WebhookPolicy;
  readonly logger: Logger;
  /** The socket URL that session requests name (known once the server listens). */
  readonly websocketUrl: () => string;
  /** Fires when the dev cloud closes: stop webhooks still in flight are cancelled. */
  readonly lifetime: AbortSignal;
}

interface EndOptions {
  readonly closeCode: number;
  readonly closeReason?: string;
  /** When set, the app's server gets a stop_request webhook with this reason. */
  readonly stopReason?: StopReason;
}

const STOPPED_BY_USER: EndOptions = { closeCode: CloseCode.NORMAL, closeReason: CloseReason.APP_STOPPED };

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // An abort that already happened fires no event: without this the timer would run its full time.
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The life of sessions: start (webhook, then wait for the app's socket), the handshake and
 * messages of app sockets, reconnects, and stop. Implements the gateway's handlers.
 */
export class SessionManager implements AppMessageHandlers {
  private readonly deps: SessionManagerDeps;
  private closed = false;

  constructor(deps: SessionManagerDeps) {
    this.deps = deps;
  }

  /**
   * Starts an app for a user and resolves once its socket was acked. A session of the same app
   * and user that is already running is stopped first (its socket closed before the new webhook).
   */
  async start(userId: string, packageName: string): Promise<SessionInfo> {
    if (this.closed) throw new CloudClosedError();
    const { apps, table, logger } = this.deps;
    const app = apps.get(packageName);
    const sessionId = makeSessionId(userId, packageName);
    const previous = table.get(sessionId);
    if (previous) await this.end(previous, 'replaced by a new start of the app', STOPPED_BY_USER);
    const session = new CloudSession(userId, packageName, sessionId);
    table.add(session);
    logger.info({ sessionId }, 'starting app');
    const raceDone = new AbortController();
    try {
      await this.learnSettings(app, session.signal);
      if (session.ended) throw new StartCancelledError(sessionId, 'stopped while starting');
      const webhook = buildSessionWebhookRequest({ sessionId, userId, websocketUrl: this.deps.websocketUrl() });
      const delivery = sendWebhook(app.webhookUrl, webhook, this.deps.webhookPolicy, { signal: session.signal, logger });
      // The app may answer late (after it was acked), or its retry may fail: that is only worth a log line.
      delivery.catch((error: unknown) => {
        if (session.state === 'active') logger.warn({ sessionId, problem: String(error) }, 'session_request webhook failed after the app had connected');
      });
      await Promise.race([session.started, this.failureOf(delivery, session, app, raceDone.signal)]);
      logger.info({ sessionId }, 'app connected');
      return session.info();
    } catch (error) {
      await this.end(session, 'its start failed', STOPPED_BY_USER);
      throw error;
    } finally {
      raceDone.abort();
    }
  }

  /** Stops a user's app: closes its socket (1000 `App stopped by user`), then sends the stop_request webhook. */
  async stop(userId: string, packageName: string): Promise<void> {
    const session = this.deps.table.get(makeSessionId(userId, packageName));
    if (!session) throw new NoSessionError(`of ${packageName} for ${userId}`);
    await this.end(session, 'stopped by the user', { ...STOPPED_BY_USER, stopReason: 'user_disabled' });
  }

  /** Ends every session, closing its socket with 1001; pending starts fail, no more start. */
  async close(): Promise<void> {
    this.closed = true;
    // Going away (1001), not "stopped by user": the cloud went down, the user did not stop anything.
    const goingAway: EndOptions = { closeCode: CloseCode.GOING_AWAY };
    await Promise.all(this.deps.table.all().map((session) => this.end(session, 'the dev cloud closed', goingAway)));
  }

  onInit(connection: AppConnection, init: ConnectionInit): void {
    const { apps, table, settings, logger } = this.deps;
    if (!apps.apiKeyMatches(init.packageName, init.apiKey)) {
      logger.warn({ packageName: init.packageName, sessionId: init.sessionId }, 'refused an app socket: invalid API key');
      void connection.close(CloseCode.POLICY_VIOLATION, CloseReason.INVALID_API_KEY);
      return;
    }
    const session = table.get(init.sessionId);
    if (!session || session.packageName !== init.packageName || session.state === 'stopping') {
      logger.warn({ packageName: init.packageName, sessionId: init.sessionId }, 'refused an app socket: no active session');
      void connection.close(CloseCode.POLICY_VIOLATION, CloseReason.NO_ACTIVE_SESSION);
      return;
    }
    const replaced = session.connection;
    connection.markInitialised(session);
    session.connection = connection;
    session.connectedAt = new Date();
    if (replaced && replaced !== connection) {
      logger.info({ sessionId: session.sessionId }, 'app reconnected: the newer socket takes over');
      void replaced.close(CloseCode.NORMAL);
    }
    connection.send(buildConnectionAck(session.sessionId, settings.settingsFor(session.userId, session.packageName)));
    session.markActive();
    table.changed();
  }

  onSubscriptionUpdate(connection: AppConnection, update: SubscriptionUpdate): void {
    const session = this.currentSessionOf(connection);
    if (!session) return;
    const invalid = invalidSubscriptions(update.subscriptions);
    if (invalid.length > 0) {
      const list = invalid.map((entry) => JSON.stringify(entry)).join(', ');
      connection.send(buildConnectionError(`invalid subscriptions ${list}: not a known stream type, wildcard or language stream; none applied`));
      return;
    }
    session.subscriptions = subscriptionNames(update.subscriptions);
    this.deps.logger.debug({ sessionId: session.sessionId, subscriptions: session.subscriptions }, 'subscriptions updated');
    this.deps.table.changed();
  }

  onDisplayEvent(connection: AppConnection, event: DisplayEvent): void {
    const session = this.currentSessionOf(connection);
    if (!session) return;
    const outcome = this.deps.display.submit(session.userId, {
      packageName: session.packageName,
      view: event.view,
      layout: event.layout,
      durationMs: event.durationMs,
      forceDisplay: event.forceDisplay,
    });
    if (outcome === 'ignored') this.deps.logger.info({ sessionId: session.sessionId, view: event.view }, 'ignored a display on a view this cloud does not show');
  }

  onClose(connection: AppConnection, code: number, reason: string): void {
    const session = connection.session;
    // A late close of an older socket must never detach the newer one.
    if (!session || session.connection !== connection) return;
    session.connection = undefined;
    session.connectedAt = null;
    this.deps.logger.info({ sessionId: session.sessionId, code, reason }, 'app socket closed');
    if (this.deps.table.isCurrent(session)) this.deps.table.changed();
  }

  /** The session a socket serves, if that socket is still its newest one and the session still runs. */
  private currentSessionOf(connection: AppConnection): CloudSession | undefined {
    const session = connection.session;
    if (session && session.connection === connection && this.deps.table.isCurrent(session)) return session;
    this.deps.logger.debug({ connection: connection.id }, 'ignored a message from a replaced socket');
    return undefined;
  }

  private async learnSettings(app: AppInfo, signal: AbortSignal): Promise<void> {
    const timeoutMs = Math.min(this.deps.webhookPolicy.timeoutMs, CONFIG_FETCH_TIMEOUT_MS);
    const config = await fetchTpaConfig(app.webhookUrl, { timeoutMs, signal, logger: this.deps.logger });
    if (config) this.deps.settings.learnDeclared(app.packageName, config);
  }

  /**
   * Rejects when the start cannot succeed any more: every webhook attempt failed, or the app
   * answered the webhook but sent no init within one more webhook timeout. Settles quietly
   * (never) once `raceDone` fires.
   */
  private async failureOf(delivery: Promise<unknown>, session: CloudSession, app: AppInfo, raceDone: AbortSignal): Promise<never> {
    try {
      await delivery;
    } catch (error) {
      if (error instanceof RequestFailure && error.kind === 'aborted') throw new StartCancelledError(session.sessionId, 'stopped while starting');
      const detail = error instanceof WebhookDeliveryError ? error.message : String(error);
      throw new WebhookFailedError(app.packageName, detail, { cause: error });
    }
    const waitMs = this.deps.webhookPolicy.timeoutMs;
    await abortableSleep(waitMs, raceDone);
    throw new AppNeverConnectedError(app.packageName, session.sessionId, waitMs);
  }

  /**
   * Ends a session: marks it stopping, closes its socket, removes it from the table, takes its
   * layouts off the user's display and, when a stop reason is given, sends the stop_request webhook.
   */
  private async end(session: CloudSession, why: string, { closeCode, closeReason, stopReason }: EndOptions): Promise<void> {
    const { table, display, logger } = this.deps;
    if (session.state === 'stopping' || session.ended) return;
    session.state = 'stopping';
    table.changed();
    session.markEnded(why);
    await session.connection?.close(closeCode, closeReason);
    table.remove(session);
    display.removeApp(session.userId, session.packageName);
    logger.info({ sessionId: session.sessionId, why }, 'session ended');
    if (!stopReason) return;
    const app = this.deps.apps.find(session.packageName);
    if (!app) return;
    const webhook = buildStopWebhookRequest({ sessionId: session.sessionId, userId: session.userId, reason: stopReason });
    try {
      await sendWebhook(app.webhookUrl, webhook, { ...this.deps.webhookPolicy, retries: 0 }, { logger, signal: this.deps.lifetime });
    } catch (error) {
      logger.warn({ sessionId: session.sessionId, problem: String(error) }, 'stop_request webhook failed');
    }
  }
}
