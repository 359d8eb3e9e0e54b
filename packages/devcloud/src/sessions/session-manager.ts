import {
  CloseCode,
  buildConnectionAck,
  buildSessionWebhookRequest,
  buildSettingsUpdate,
  buildStopWebhookRequest,
  makeSessionId,
  subscriptionNames,
  userIdFromSessionId,
  type ConnectionInit,
  type DisplayEvent,
  type OwnershipRelease,
  type SettingValue,
  type SubscriptionUpdate,
} from '@tpa/sdk/protocol';
import type { Logger } from '@tpa/sdk/logging';
import type { AppInfo, AppRegistry } from '../apps/app-registry.js';
import type { SettingsStore } from '../apps/settings-store.js';
import type { AppSocketActions, Dialect, InitRefusal } from '../dialects/index.js';
import type { DisplayBoard } from '../display/display-board.js';
import { AppNeverConnectedError, CloudClosedError, NoSessionError, StartCancelledError, WebhookFailedError } from '../errors.js';
import { RequestFailure } from '../outbound/json-request.js';
import { postSettings } from '../outbound/settings-push.js';
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
  readonly dialect: Dialect;
  /** How long a closed app has to reconnect before it is restarted; `null`: never restarted. */
  readonly restartGraceMs: number | null;
  readonly webhookPolicy: WebhookPolicy;
  readonly logger: Logger;
  /** The socket URL that session requests name (known once the server listens). */
  readonly websocketUrl: () => string;
  /** Fires when the dev cloud closes: stop webhooks and settings pushes still in flight are cancelled. */
  readonly lifetime: AbortSignal;
}

/** How a session's socket is let go of when the session ends, given a way to send the `stop_request` webhook. */
type Ending = (socket: AppSocketActions | undefined, sendStopRequest: () => Promise<void>) => Promise<void>;

const nothingToSend = (): Promise<void> => Promise.resolve();

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
 * messages of app sockets, reconnects, restarts, settings pushes and stop, each in the way of
 * the cloud's dialect. Implements the gateway's handlers.
 */
export class SessionManager implements AppMessageHandlers {
  private readonly deps: SessionManagerDeps;
  private closed = false;
  /** The user (or the cloud, to restart the app) stops it: the dialect's stop sequence. */
  private readonly stoppedByUser: Ending;
  /** Replaced by a new start of the same app, or its start failed: the dialect's stop, no webhook. */
  private readonly replaced: Ending;
  /** The user's whole session ended: the dialect's close, no webhook. */
  private readonly userSessionEnded: Ending;
  /** The dev cloud goes down, like a real cloud restarting: 1001, no webhook. */
  private readonly goingAway: Ending = async (socket) => {
    await socket?.close(CloseCode.GOING_AWAY);
  };
  /** The app released its session and its socket is gone already: nothing to send. */
  private readonly dormant: Ending = () => Promise.resolve();

  constructor(deps: SessionManagerDeps) {
    this.deps = deps;
    const { dialect } = deps;
    this.stoppedByUser = (socket, sendStopRequest) => dialect.stopApp({ socket, sendStopRequest });
    this.replaced = (socket) => dialect.stopApp({ socket, sendStopRequest: nothingToSend });
    this.userSessionEnded = async (socket) => {
      if (socket) await dialect.endUserSession(socket);
    };
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
    if (previous) await this.end(previous, 'replaced by a new start of the app', this.replaced);
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
      await this.end(session, 'its start failed', this.replaced);
      throw error;
    } finally {
      raceDone.abort();
    }
  }

  /** Stops a user's app, in the dialect's order of close and `stop_request` webhook. */
  async stop(userId: string, packageName: string): Promise<void> {
    const session = this.deps.table.get(makeSessionId(userId, packageName));
    if (!session) throw new NoSessionError(`of ${packageName} for ${userId}`);
    await this.end(session, 'stopped by the user', this.stoppedByUser);
  }

  /** Ends a user's whole session (the phone went away for good): every app of the user, in the dialect's way, with no webhook. */
  async endUserSession(userId: string): Promise<void> {
    const sessions = this.deps.table.forUser(userId);
    if (sessions.length === 0) throw new NoSessionError(`for ${userId}`);
    await Promise.all(sessions.map((session) => this.end(session, 'the user session ended', this.userSessionEnded)));
  }

  /**
   * A user saved settings of an app: a `settings_update` with every stored pair to the app's open
   * socket, then the same pairs POSTed to `<publicUrl>/settings`. With no open socket the real
   * cloud sent neither when the user had a session (5850d8ae `routes/tpa-settings.routes.ts`
   * L279-282 throws, answered 401; c1f57fc3 `routes/app-settings.routes.ts` L313-316, 404), and
   * only the POST when the user had none (both: L270, L302).
   */
  pushSettings(userId: string, packageName: string, pairs: readonly SettingValue[]): void {
    const { table, apps, logger, webhookPolicy, lifetime } = this.deps;
    const app = apps.get(packageName);
    const session = table.get(makeSessionId(userId, packageName));
    if (session?.connection?.isOpen) {
      session.connection.send(buildSettingsUpdate(session.sessionId, packageName, pairs));
    } else if (table.forUser(userId).length > 0) {
      logger.info({ userId, packageName }, 'settings stored but not pushed: the app has no open socket');
      return;
    }
    void postSettings(app.webhookUrl, userId, pairs, { timeoutMs: webhookPolicy.timeoutMs, secret: webhookPolicy.secret, signal: lifetime, logger });
  }

  /** Ends every session, closing its socket with 1001; pending starts fail, no more start. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.deps.table.all().map((session) => this.end(session, 'the dev cloud closed', this.goingAway)));
  }

  onInit(connection: AppConnection, init: ConnectionInit): void {
    const { table, settings, logger, dialect } = this.deps;
    const refusal = this.refusalOf(init);
    const session = table.get(init.sessionId);
    if (refusal !== undefined || !session) {
      logger.warn({ packageName: init.packageName, sessionId: init.sessionId, refusal }, 'refused an app socket');
      dialect.refuseInit(connection, refusal ?? 'app-not-started');
      return;
    }
    const replaced = session.connection;
    connection.markInitialised(session);
    session.connection = connection;
    session.connectedAt = new Date();
    session.cancelReconnectDeadline();
    if (replaced && replaced !== connection) {
      logger.info({ sessionId: session.sessionId }, 'app reconnected: the newer socket takes over');
      void replaced.close(CloseCode.NORMAL);
    }
    const ackSettings = dialect.ackSettings(settings.ackSource(session.userId, session.packageName));
    connection.send(buildConnectionAck(session.sessionId, ackSettings, dialect.ackExtras()));
    session.markActive();
    table.changed();
  }

  onSubscriptionUpdate(connection: AppConnection, update: SubscriptionUpdate): void {
    const session = this.currentSessionOf(connection);
    if (!session) return;
    const invalid = this.deps.dialect.invalidSubscriptions(update.subscriptions);
    if (invalid.length > 0) {
      this.deps.logger.warn({ sessionId: session.sessionId, invalid }, `refused a subscription update: ${invalid.map((entry) => JSON.stringify(entry)).join(', ')} not known to the ${this.deps.dialect.name} cloud; none applied`);
      this.deps.dialect.reportProblem(connection, { kind: 'invalid-subscriptions', invalid });
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

  onOwnershipRelease(connection: AppConnection, release: OwnershipRelease): void {
    const session = this.currentSessionOf(connection);
    if (!session) return;
    if (!this.deps.dialect.honoursOwnershipRelease) {
      this.deps.logger.info({ sessionId: session.sessionId }, `ignored ownership_release: the ${this.deps.dialect.name} cloud does not know it`);
      return;
    }
    connection.ownershipRelease = release;
    this.deps.logger.info({ sessionId: session.sessionId, reason: release.reason }, 'the app released its session: its next close makes it dormant');
  }

  onClose(connection: AppConnection, code: number, reason: string): void {
    const session = connection.session;
    // A late close of an older socket must never detach the newer one.
    if (!session || session.connection !== connection) return;
    session.connection = undefined;
    session.connectedAt = null;
    this.deps.logger.info({ sessionId: session.sessionId, code, reason }, 'app socket closed');
    if (!this.deps.table.isCurrent(session)) return;
    this.deps.table.changed();
    this.recoverFromClose(session, connection);
  }

  /**
   * A socket of a running session closed and the cloud was not stopping it. A dialect that
   * restarts apps waits for a reconnect, then restarts the app, unless the app released the
   * session on that socket (then the session ends: dormant).
   */
  private recoverFromClose(session: CloudSession, connection: AppConnection): void {
    const { restartGraceMs, logger } = this.deps;
    if (restartGraceMs === null || session.state !== 'active' || session.ended) return;
    if (connection.ownershipRelease) {
      logger.info({ sessionId: session.sessionId }, 'released session closed: dormant, not restarted');
      void this.end(session, 'released by its app (dormant)', this.dormant);
      return;
    }
    logger.info({ sessionId: session.sessionId, graceMs: restartGraceMs }, 'waiting for the app to reconnect before restarting it');
    session.setReconnectDeadline(restartGraceMs, () => void this.restart(session));
  }

  /** Stops the app (its `stop_request`) and starts it again (a new `session_request` for the same id). */
  private async restart(session: CloudSession): Promise<void> {
    const { table, logger } = this.deps;
    if (this.closed || session.connection || !table.isCurrent(session)) return;
    logger.info({ sessionId: session.sessionId }, 'the app did not reconnect in time: restarting it');
    await this.end(session, 'restarted: its app did not reconnect', this.stoppedByUser);
    try {
      await this.start(session.userId, session.packageName);
    } catch (error) {
      logger.warn({ sessionId: session.sessionId, problem: error instanceof Error ? error.message : String(error) }, 'restart of the app failed');
    }
  }

  /** Why a `tpa_connection_init` is refused, checked in the real clouds' order: the user's session, the key, the app. */
  private refusalOf(init: ConnectionInit): InitRefusal | undefined {
    const { apps, table } = this.deps;
    const userId = userIdFromSessionId(init.sessionId, init.packageName);
    if (userId === undefined) return 'invalid-session-id';
    if (table.forUser(userId).length === 0) return 'no-user-session';
    if (!apps.apiKeyMatches(init.packageName, init.apiKey)) return 'invalid-api-key';
    const session = table.get(init.sessionId);
    if (!session || session.state === 'stopping') return 'app-not-started';
    return undefined;
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
   * Ends a session: marks it stopping (so that its socket's close starts no restart), lets go of
   * its socket as `ending` says, removes it from the table and takes its layouts off the user's display.
   */
  private async end(session: CloudSession, why: string, ending: Ending): Promise<void> {
    const { table, display, logger } = this.deps;
    if (session.state === 'stopping' || session.ended) return;
    session.state = 'stopping';
    table.changed();
    session.markEnded(why);
    await ending(session.connection, () => this.sendStopRequest(session));
    table.remove(session);
    display.removeApp(session.userId, session.packageName);
    logger.info({ sessionId: session.sessionId, why }, 'session ended');
  }

  /** POSTs `stop_request` (`user_disabled`), once, no retry, as the real cloud did; a failure is only logged. */
  private async sendStopRequest(session: CloudSession): Promise<void> {
    const { apps, logger, webhookPolicy, lifetime } = this.deps;
    const app = apps.find(session.packageName);
    if (!app) return;
    const webhook = buildStopWebhookRequest({ sessionId: session.sessionId, userId: session.userId, reason: 'user_disabled' });
    try {
      await sendWebhook(app.webhookUrl, webhook, { ...webhookPolicy, retries: 0 }, { logger, signal: lifetime });
    } catch (error) {
      logger.warn({ sessionId: session.sessionId, problem: String(error) }, 'stop_request webhook failed');
    }
  }
}
