import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Express, Request, Response } from 'express';
import {
  DEFAULT_CLOUD_WEBSOCKET_URL,
  HEALTH_PATH,
  parseSettingsRequest,
  parseWebhookRequest,
  SETTINGS_PATH,
  SIGNATURE_HEADER,
  SIGNATURE_TIMESTAMP_HEADER,
  TPA_CONFIG_PATH,
  TpaConfigSchema,
  verifyWebhookSignature,
  WEBHOOK_PATH,
  websocketUrlOf,
  WebhookRequestType,
  type HealthResponse,
  type SessionWebhookRequest,
  type StopReason,
  type StopWebhookRequest,
  type AppSetting,
  type TpaConfig,
  declaredSettings,
  decodeJson,
  parseWithSchema,
  DEFAULT_SIGNATURE_TOLERANCE_MS,
} from '../protocol/index.js';
import { safeLogger, silentLogger, type SdkLogger } from '../logging/index.js';
import { Scope } from '../resources/index.js';
import { currentSession, runInSession, TpaSession, type SessionEndReason } from '../session/index.js';
import type { TpaError } from '../errors.js';
import { MIGRATION_GUIDE } from '../deprecation.js';
import { SERVER_DEFAULTS, type ServerAddress, type TpaServerConfig } from './config.js';
import { ServerError } from './errors.js';
import { loadCookieParser, loadExpress } from './express-loader.js';
import { asyncRoute, rawBody, sendError, unhandledRequest } from './http-json.js';
import { HttpConnections, httpServerOptions } from './http-connections.js';
import { rawBodyWithin } from './request-body.js';
import { REFUSED_SIGNATURE_USE, SeenSignatures } from './seen-signatures.js';
import { predates, SessionRegistry, type RegisteredSession } from './session-registry.js';
import { failure, outcomeOfStarted, outcomeOfUnstarted, staleRequest, success, type WebhookOutcome } from './webhook-outcomes.js';
import { TrustedSocketUrls } from './trusted-urls.js';

type ServerState = 'created' | 'starting' | 'listening' | 'stopping' | 'stopped';

/** The `onStop` reason for a session that ended without a stop_request; other endings call no `onStop`. */
const STOP_REASON_OF_END: Partial<Record<SessionEndReason['kind'], StopReason>> = {
  stopped_by_user: 'user_disabled',
  cloud_closed: 'system_stop',
};

let warnedAddCleanupHandler = false;


/**
 * A TPA server: answers the cloud's webhooks, runs one {@link TpaSession} per user session, and
 * owns them all. Subclass it and override `onSession`; everything the session makes is cleaned up
 * when it ends, for whatever reason, with no code of yours.
 *
 * @example
 * ```ts
 * class ClockApp extends TpaServer {
 *   protected override async onSession(session: TpaSession): Promise<void> {
 *     session.setInterval(() => session.layouts.showTextWall(new Date().toLocaleTimeString()), 1_000);
 *   }
 * }
 * const server = new ClockApp({ packageName: 'com.example.clock', apiKey: process.env.API_KEY! });
 * await server.start();
 * stopOnSignals(server);
 * ```
 */
export class TpaServer implements AsyncDisposable {
  readonly packageName: string;
  readonly logger: SdkLogger;
  readonly #config: TpaServerConfig;
  readonly #cloudUrl: string;
  readonly #trusted: TrustedSocketUrls;
  readonly #tpaConfig: TpaConfig | undefined;
  /** The settings the app declares, from `tpaConfig` or (read at start) `publicDir/tpa_config.json`. */
  #declaredSettings: readonly AppSetting[];
  readonly #app: Express;
  /**
   * Owns everything the server holds; `stop()` closes it. Its children close last made first:
   * every session (together), then the deprecated cleanup handlers.
   */
  readonly #scope: Scope;
  readonly #cleanupHandlers: Scope;
  /** Every session from the moment its webhook arrives until it has fully closed. */
  readonly #sessions: Scope;
  /** The current session of each id, for lookups. */
  readonly #registry = new SessionRegistry();
  #http: Server | undefined;
  #connections: HttpConnections | undefined;
  /** The webhook signatures taken within the replay window, made on the first signed request. */
  #seenSignatures: SeenSignatures | undefined;
  #listening: Promise<void> | undefined;
  #state: ServerState = 'created';
  #startedAt = Date.now();
  #stopping: Promise<void> | undefined;
  /**
   * One function for every session (no closure each), run as its ending starts: it leaves the
   * lookup, and if the user or the cloud stopped it (a stop_request, the cloud's `app_stopped` or
   * its final close, whichever came first: W9) `onStop` runs once it has closed, exactly once.
   */
  readonly #forget = (session: TpaSession, reason: SessionEndReason): void => {
    const entry = session.sessionId === undefined ? undefined : this.#registry.get(session.sessionId);
    if (!entry || entry.session !== session) return;
    this.#registry.remove(entry.sessionId, session);
    const stopReason = entry.stopReason ?? STOP_REASON_OF_END[reason.kind];
    if (stopReason === undefined) return;
    // disconnect() joins the ending in progress: it resolves once the session has closed.
    entry.stopped = session.disconnect().then(() => this.#runOnStop(entry.sessionId, entry.userId, stopReason));
  };

  constructor(config: TpaServerConfig) {
    if (!config.packageName) throw new TypeError('TpaServer needs a packageName');
    if (!config.apiKey) throw new TypeError('TpaServer needs an apiKey');
    if (config.port !== undefined && !(Number.isInteger(Number(config.port)) && Number(config.port) >= 0)) throw new TypeError(`port must be a whole number, got ${String(config.port)}`);
    this.#config = config;
    this.packageName = config.packageName;
    this.logger = safeLogger(config.logger ?? silentLogger).child({ packageName: config.packageName });
    this.#cloudUrl = config.augmentOSWebsocketUrl ?? DEFAULT_CLOUD_WEBSOCKET_URL;
    this.#trusted = new TrustedSocketUrls(this.#cloudUrl, config.trustedWebsocketUrls, config.trustRealCloud ?? true);
    this.#tpaConfig = config.tpaConfig ? TpaConfigSchema.parse(config.tpaConfig) : undefined;
    this.#declaredSettings = declaredSettings(this.#tpaConfig);
    const onError = (error: TpaError): void => this.logger.error({ err: error }, error.message);
    this.#scope = new Scope({ name: `server ${config.packageName}`, onError });
    this.#cleanupHandlers = new Scope({ name: `server ${config.packageName}/cleanup handlers`, parent: this.#scope, onError });
    // Sessions do not depend on each other: they end together, each bounded by its own limits.
    this.#sessions = new Scope({ name: `server ${config.packageName}/sessions`, parent: this.#scope, concurrent: true, onError });
    this.#app = this.#createApp();
  }

  /** The Express app, to add routes of your own (before or after `start()`). */
  getExpressApp(): Express {
    return this.#app;
  }

  get sessionCount(): number {
    return this.#registry.size;
  }

  getSession(sessionId: string): TpaSession | undefined {
    return this.#registry.get(sessionId)?.session;
  }

  getSessions(): TpaSession[] {
    return [...this.#registry.values()].map((entry) => entry.session);
  }

  /** Aborted when the server starts stopping; pass it to what should end with the server. */
  get signal(): AbortSignal {
    return this.#scope.signal;
  }

  /** Starts listening; resolves with the bound address. */
  async start(): Promise<ServerAddress> {
    if (this.#state !== 'created') {
      const stopped = this.#state === 'stopped' || this.#state === 'stopping';
      throw new ServerError(stopped ? 'SERVER_STOPPED' : 'ALREADY_STARTED', `start() needs a new server; this one is ${this.#state}`);
    }
    const httpOptions = httpServerOptions({
      headersTimeoutMs: this.#config.headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs,
      requestTimeoutMs: this.#config.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs,
    });
    this.#state = 'starting';
    if (!this.#tpaConfig && this.#config.publicDir) this.#declaredSettings = await this.#readDeclaredSettings(this.#config.publicDir);
    const unhandled = unhandledRequest(this.logger, this.#config.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes);
    const app = this.#app as unknown as (req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void;
    const http = createServer(httpOptions);
    // Before the app's handler, so that it sees each request first.
    this.#connections = new HttpConnections(http, this.logger);
    http.on('request', (req: IncomingMessage, res: ServerResponse) => app(req, res, (error?: unknown) => unhandled(error, req, res)));
    if (this.#config.maxConnections !== undefined) http.maxConnections = this.#config.maxConnections;
    this.#http = http;
    this.#listening = new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        this.#state = 'stopped';
        reject(new ServerError('LISTEN_FAILED', `could not listen on ${this.#config.host ?? '*'}:${this.#port}: ${error.message}`, { cause: error }));
      };
      http.once('error', onError);
      http.listen(this.#port, this.#config.host, () => {
        http.off('error', onError);
        resolve();
      });
    });
    await this.#listening;
    if (this.#state !== 'starting') throw new ServerError('SERVER_STOPPED', 'the server was stopped while it was starting');
    this.#state = 'listening';
    this.#startedAt = Date.now();
    const address = this.address as ServerAddress;
    // Where it really listens: every interface, or the one it was given.
    const where = address.host === '::' || address.host === '0.0.0.0' ? 'every interface' : address.host;
    this.logger.info({ url: address.url, host: address.host, port: address.port }, `listening on ${where}, port ${address.port}`);
    return address;
  }

  /** The port to listen on: the config's, a numeric string read as its number (as `PORT` from the environment). */
  get #port(): number {
    const port = this.#config.port ?? SERVER_DEFAULTS.port;
    return typeof port === 'number' ? port : Number(port);
  }

  /** Where the server listens, once started. */
  get address(): ServerAddress | undefined {
    const info = this.#http?.address() as AddressInfo | null | undefined;
    if (!info) return undefined;
    const host = info.address === '::' || info.address === '0.0.0.0' ? '127.0.0.1' : info.address.includes(':') ? `[${info.address}]` : info.address;
    return { host: info.address, port: info.port, url: `http://${host}:${info.port}` };
  }

  /**
   * Stops gracefully, in two phases: stop taking webhooks and new connections; then end every
   * session (awaiting their cleanups, each bounded) and close the HTTP server, forcing what is
   * left after `shutdownTimeoutMs`. Never calls `process.exit`. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /**
   * Called for each new session once it is connected. Register handlers, timers and state on
   * `session`; all of it ends with the session. A throw ends the session and answers 500.
   */
  protected async onSession(_session: TpaSession, _sessionId: string, _userId: string): Promise<void> {}

  /**
   * Called once the user or the cloud stopped a session, after it has been cleaned up: by a
   * stop_request (with its reason), or by the cloud's `app_stopped` or final close (`user_disabled`
   * for the user's stop, `system_stop` for the cloud's), whichever came first, and only once.
   */
  protected async onStop(_sessionId: string, _userId: string, _reason: StopReason | (string & {})): Promise<void> {}

  /**
   * @deprecated Everything a session makes is cleaned up with it; use `session.registerCleanup`
   * for per-session work. Called from a session's code (its `onSession`, a handler, a timer it
   * made: the idiom of most apps written for the older SDKs), `handler` belongs to that session
   * and runs when it ends, so that it and what it holds are not kept until the server stops.
   * Called outside any session, it runs when the server stops. Warns once.
   */
  addCleanupHandler(handler: () => unknown): void {
    if (!warnedAddCleanupHandler) {
      warnedAddCleanupHandler = true;
      process.emitWarning(`addCleanupHandler() is deprecated: sessions clean up after themselves; use session.registerCleanup() for per-session work (see ${MIGRATION_GUIDE})`, {
        type: 'DeprecationWarning',
        code: 'TPA_ADD_CLEANUP_HANDLER',
      });
    }
    const session = currentSession();
    // A session of this server's that is still current; the registry knows it by the id it was made with.
    if (session?.sessionId !== undefined && this.#registry.get(session.sessionId)?.session === session) session.registerCleanup(() => handler());
    else this.#cleanupHandlers.onClose(() => handler());
  }

  #createApp(): Express {
    const express = loadExpress();
    const app = express();
    app.disable('x-powered-by');
    // JSON answers to machines: no ETag (a hash of every body) is needed.
    app.disable('etag');
    const maxBody = this.#config.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes;
    const raw = rawBodyWithin(maxBody);
    app.post(this.#config.webhookPath ?? WEBHOOK_PATH, raw, asyncRoute((req, res) => this.#onWebhook(req, res), this.logger));
    app.post(SETTINGS_PATH, raw, asyncRoute((req, res) => this.#onSettings(req, res), this.logger));
    if (this.#config.healthCheck ?? SERVER_DEFAULTS.healthCheck) {
      app.get(HEALTH_PATH, (_req, res) => {
        const body: HealthResponse = {
          status: 'healthy',
          app: this.packageName,
          activeSessions: this.#registry.size,
          uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
        };
        res.json(body);
      });
    }
    app.get(TPA_CONFIG_PATH, asyncRoute((_req, res) => this.#onTpaConfig(res), this.logger));
    if (this.#config.publicDir) app.use(express.static(this.#config.publicDir));
    // The app's own routes, added after these, get parsed JSON bodies and cookies, as the real
    // server gave every route (`app.use(express.json())`, sdk/tpa/server/index.ts L107 at 5850d8ae;
    // cookie-parser from 1.1.5, L115-123 at 28418193: W11). The SDK's own routes above parse their
    // raw bodies themselves, within `maxBodyBytes`, and never reach these.
    app.use(express.json({ limit: maxBody }));
    app.use(loadCookieParser()(this.#config.cookieSecret ?? `AOS_${this.packageName}_${this.#config.apiKey.slice(0, 8)}`));
    return app;
  }

  /** The settings a `tpa_config.json` in `dir` declares; none, with a warning, when it is unreadable. */
  async #readDeclaredSettings(dir: string): Promise<AppSetting[]> {
    const text = await readFile(join(dir, 'tpa_config.json'), 'utf8').catch(() => undefined);
    if (text === undefined) return [];
    const decoded = decodeJson(text);
    const parsed = decoded.ok ? parseWithSchema(TpaConfigSchema, decoded.value, 'tpa_config.json') : decoded;
    if (parsed.ok) return declaredSettings(parsed.value);
    this.logger.warn({ err: parsed.error }, 'publicDir/tpa_config.json is invalid: its settings are not declared to sessions');
    return [];
  }

  async #onTpaConfig(res: Response): Promise<void> {
    if (this.#tpaConfig) {
      res.json(this.#tpaConfig);
      return;
    }
    if (this.#config.publicDir) {
      const text = await readFile(join(this.#config.publicDir, 'tpa_config.json'), 'utf8').catch(() => undefined);
      if (text !== undefined) {
        res.type('application/json').send(text);
        return;
      }
    }
    sendError(res, 404, 'this app serves no tpa_config.json');
  }

  /** `true` if the request may go on; otherwise the 401 was sent. */
  #checkSignature(req: Request, res: Response): boolean {
    const secret = this.#config.webhookSecret;
    if (!secret) return true;
    const headers = { signature: req.get(SIGNATURE_HEADER), timestamp: req.get(SIGNATURE_TIMESTAMP_HEADER) };
    const toleranceMs = this.#config.signatureToleranceMs ?? DEFAULT_SIGNATURE_TOLERANCE_MS;
    const check = verifyWebhookSignature(secret, rawBody(req), headers, { toleranceMs });
    let refusal: { readonly reason: string; readonly message: string } | undefined = check.ok ? undefined : check;
    if (check.ok) {
      // A valid signature is taken once: a captured request sent again within the window is refused.
      this.#seenSignatures ??= new SeenSignatures(toleranceMs);
      const use = this.#seenSignatures.take(String(headers.signature), Number(headers.timestamp) * 1000);
      if (use !== 'taken') refusal = { reason: use, message: REFUSED_SIGNATURE_USE[use] };
    }
    if (!refusal) return true;
    this.logger.warn({ reason: refusal.reason, path: req.path }, 'refused a request with a bad signature');
    sendError(res, 401, refusal.message);
    return false;
  }

  async #onWebhook(req: Request, res: Response): Promise<void> {
    if (this.#state !== 'listening') {
      sendError(res, 503, 'the server is shutting down');
      return;
    }
    if (!this.#checkSignature(req, res)) return;
    const parsed = parseWebhookRequest(rawBody(req), { maxBytes: this.#config.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes });
    if (!parsed.ok) {
      this.logger.warn({ code: parsed.error.code }, `refused a webhook: ${parsed.error.message}`);
      sendError(res, 400, parsed.error.message, { code: parsed.error.code });
      return;
    }
    const request = parsed.value;
    const outcome = request.type === WebhookRequestType.SESSION_REQUEST ? await this.#onSessionRequest(request) : await this.#onStopRequest(request);
    res.status(outcome.status).json(outcome.body);
  }

  #onSessionRequest(request: SessionWebhookRequest): Promise<WebhookOutcome> {
    const url = websocketUrlOf(request) ?? this.#cloudUrl;
    if (!this.#trusted.trusts(url)) {
      this.logger.warn({ sessionId: request.sessionId, url }, 'refused a session_request naming an untrusted socket URL');
      return Promise.resolve(failure(403, `untrusted socket URL ${url}: this server only connects to ${this.#trusted.describe()}`));
    }
    const current = this.#registry.get(request.sessionId);
    if (current?.requestTimestamp === request.timestamp) {
      // The cloud retries a request it thinks timed out: the same request, the same timestamp.
      if (current.outcome) {
        this.logger.info({ sessionId: request.sessionId }, 'session_request retried while the first is in flight; sharing its outcome');
        return current.outcome;
      }
      this.logger.info({ sessionId: request.sessionId }, 'session_request retried after it was answered; the session is already running');
      return Promise.resolve(success('session already running'));
    }
    if (current && predates(request.timestamp, current)) {
      this.logger.warn({ sessionId: request.sessionId, timestamp: request.timestamp }, 'refused a session_request older than the running session');
      return Promise.resolve(staleRequest('session_request', request.timestamp, current.requestTimestamp));
    }
    // Owned by the server from now until it has fully closed: stop() waits for it, whatever its state.
    const session = new TpaSession({
      ...this.#config.session,
      packageName: this.packageName,
      apiKey: this.#config.apiKey,
      augmentOSWebsocketUrl: url,
      declaredSettings: this.#declaredSettings,
      sessionId: request.sessionId,
      userId: request.userId,
      logger: this.logger.child({ sessionId: request.sessionId }),
      parentScope: this.#sessions,
      onEnd: this.#forget,
    });
    const entry: RegisteredSession = {
      session,
      sessionId: request.sessionId,
      userId: request.userId,
      startedAt: Date.now(),
      requestTimestamp: request.timestamp,
      outcome: undefined,
      stopReason: undefined,
      stopped: undefined,
    };
    // The newest request for an id wins: it is the current session from now on, and a stop_request
    // that arrives while it waits for the previous one to end ends it too.
    this.#registry.set(entry);
    const arrivedAt = Date.now();
    const outcome = this.#answerInTime(this.#startSession(entry, current?.session), session, arrivedAt).finally(() => {
      // A retry from now on is answered "already running": the outcome need not be kept.
      entry.outcome = undefined;
    });
    entry.outcome = outcome;
    return outcome;
  }

  /**
   * The start's outcome, or 200 once `webhookResponseTimeoutMs` has passed since the webhook
   * arrived (the cloud gives up after 10 s and retries) while the previous session still ends, the
   * session still connects or `onSession` still runs; the start goes on, and a later failure ends
   * the session.
   */
  async #answerInTime(starting: Promise<WebhookOutcome>, session: TpaSession, arrivedAt: number): Promise<WebhookOutcome> {
    const limitMs = Math.max(0, (this.#config.webhookResponseTimeoutMs ?? SERVER_DEFAULTS.webhookResponseTimeoutMs) - (Date.now() - arrivedAt));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), limitMs);
    });
    try {
      const outcome = await Promise.race([starting, slow]);
      if (outcome !== 'slow') return outcome;
      const connecting = session.state !== 'connected';
      const what = connecting ? 'the session is still connecting' : 'onSession is still running';
      this.logger.warn({ sessionId: session.sessionId, limitMs, state: session.state }, `${what}; answering the webhook now so the cloud does not retry`);
      return success(connecting ? 'session starting; still connecting' : 'session started; onSession still running');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the previous session of the id, connects, runs `onSession`; resolves with the outcome, never rejects. */
  async #startSession(entry: RegisteredSession, previous: TpaSession | undefined): Promise<WebhookOutcome> {
    const { session, sessionId, userId } = entry;
    if (previous) {
      this.logger.info({ sessionId }, 'a new session_request for a live session: ending the old one first');
      await previous.disconnect({ kind: 'replaced', message: 'replaced by a new session with the same id' });
    }
    // Stopped, replaced again, or the server stopping, while the previous session ended.
    if (session.state !== 'idle') return outcomeOfUnstarted(session.endReason);
    this.logger.info({ sessionId, userId }, 'session requested');
    try {
      await session.connect(sessionId);
    } catch (error) {
      if (session.endReason?.kind !== 'connect_failed') return outcomeOfUnstarted(session.endReason);
      this.logger.error({ err: error, sessionId }, 'session could not connect');
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'CONNECTION_FAILED';
      return failure(500, 'Failed to connect', { code });
    }
    return this.#runOnSession(session, sessionId, userId);
  }

  async #runOnSession(session: TpaSession, sessionId: string, userId: string): Promise<WebhookOutcome> {
    // As the session's code: what onSession starts (timers, cleanup handlers) knows its session.
    const running = runInSession(session, async () => this.onSession(session, sessionId, userId));
    const endOnFailure = async (error: unknown): Promise<void> => {
      const failed = new ServerError('ON_SESSION_FAILED', `onSession failed for ${sessionId}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      this.logger.error({ err: failed, sessionId }, failed.message);
      await session.disconnect({ kind: 'error', message: failed.message, cause: failed });
    };
    // A session that ends (a stop_request, the server stopping) while onSession runs is answered at once.
    let stopWatching: (() => void) | undefined;
    const ended = new Promise<'ended'>((resolve) => {
      if (!session.scope.isOpen) resolve('ended');
      else stopWatching = session.scope.onClose(() => resolve('ended'));
    });
    try {
      const result = await Promise.race([running.then(() => 'done' as const), ended]);
      if (result === 'ended') running.catch(endOnFailure);
      return outcomeOfStarted(session.endReason);
    } catch (error) {
      await endOnFailure(error);
      return failure(500, 'Failed to connect', { code: 'ON_SESSION_FAILED' });
    } finally {
      // Not kept for the session's life: a server holds thousands of sessions.
      stopWatching?.();
    }
  }

  async #onStopRequest(request: StopWebhookRequest): Promise<WebhookOutcome> {
    const { sessionId, reason } = request;
    const entry = this.#registry.get(sessionId);
    if (!entry) return success('no such session; nothing to stop');
    if (predates(request.timestamp, entry)) {
      this.logger.warn({ sessionId, timestamp: request.timestamp }, 'refused a stop_request older than the running session');
      return staleRequest('stop_request', request.timestamp, entry.requestTimestamp);
    }
    // Whatever its state: a start still waiting or connecting is cancelled by this.
    entry.stopReason = reason;
    await entry.session.disconnect({ kind: 'stopped_by_user', message: `stop_request: ${reason}` });
    await entry.stopped;
    return success('session stopped');
  }

  async #runOnStop(sessionId: string, userId: string, reason: StopReason): Promise<void> {
    try {
      await this.onStop(sessionId, userId, reason);
    } catch (error) {
      this.logger.error({ err: new ServerError('ON_STOP_FAILED', `onStop failed for ${sessionId}`, { cause: error }), sessionId }, 'onStop failed');
    }
  }

  async #onSettings(req: Request, res: Response): Promise<void> {
    if (!this.#checkSignature(req, res)) return;
    const parsed = parseSettingsRequest(rawBody(req));
    if (!parsed.ok) {
      sendError(res, 400, parsed.error.message, { code: parsed.error.code });
      return;
    }
    const sessions = this.#registry.ofUser(parsed.value.userIdForSettings);
    for (const entry of sessions) entry.session.applySettings(parsed.value.settings);
    res.json({ status: 'success', message: `settings applied to ${sessions.length} session(s)`, sessionsUpdated: sessions.length });
  }

  async #stop(): Promise<void> {
    const previous = this.#state;
    this.#state = 'stopping';
    if (previous === 'starting') await this.#listening?.catch(() => undefined);
    this.logger.info({ sessions: this.#registry.size }, 'stopping');
    const http = this.#http;
    // Phase 1: no new webhooks (they get 503) and no new connections; connections with no request
    // being answered (idle, or a request still arriving) end now.
    const closed = http?.listening ? new Promise<void>((resolve) => http.close(() => resolve())) : Promise.resolve();
    this.#connections?.drain();
    const limitMs = this.#config.shutdownTimeoutMs ?? SERVER_DEFAULTS.shutdownTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), limitMs);
    });
    try {
      // Phase 2: the server's scope closes: every session, whatever its state, ends at once and is
      // waited for until it has fully closed (each bounded by its own close and cleanup limits);
      // then the deprecated cleanup handlers run, last registered first.
      const reason: SessionEndReason = { kind: 'server_shutdown', message: 'the server is stopping' };
      const ended = await Promise.race([this.#scope.close(reason).then(() => 'ok' as const), deadline]);
      if (ended === 'late') this.logger.warn({ limitMs, left: this.#sessions.size }, 'sessions did not all end in time; stopping anyway');
      http?.closeIdleConnections();
      const done = await Promise.race([closed.then(() => 'ok' as const), deadline]);
      if (done === 'late') http?.closeAllConnections();
      await closed;
    } finally {
      clearTimeout(timer);
      this.#state = 'stopped';
    }
    this.logger.info('stopped');
  }
}
