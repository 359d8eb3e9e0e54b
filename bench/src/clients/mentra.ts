/**
 * `@mentra/sdk` 2.1.29, driven through its public API the way its documentation shows: an
 * `AppSession` connected directly, and an `AppServer` subclass whose `onSession` takes webhook
 * sessions. Three things are done differently from a production app, each so that the
 * comparison is fair and stays on this machine:
 * - its logging is silenced (its pino logger set to `silent`; the worker drops console output
 *   of every client alike);
 * - `AppServer.start()` is not called, because it asks a public server for the newest SDK
 *   version; its express app is served on 127.0.0.1 like every other client's webhook server;
 * - session-owned timers and cleanups go through the session's own `ResourceTracker`, which
 *   the SDK keeps private (it is what it uses for its own timers): an app on its public API
 *   would have to track them by hand, like the raw floor does.
 */
import http from 'node:http';
import type { EventEmitter } from 'node:events';
import { AppServer, AppSession, logger } from '@mentra/sdk';
import type { BenchClient, BenchClientFactory, BenchSession, ClientSetup, ResourceCounts, TranscriptionHandler, WebhookServer } from './bench-client.js';
import { listenForWebhooks } from './http-listen.js';

logger.level = 'silent';

/** The mentra webhook route; it is the library's, not a protocol name of ours. */
const MENTRA_WEBHOOK_PATH = '/webhook';

/** The private parts of an `AppSession` that the benchmark reads or uses (see the module comment). */
interface MentraSessionInternals {
  readonly ws: EventEmitter | null;
  readonly resources: {
    readonly cleanupFunctions: readonly unknown[];
    setTimeout(callback: () => void, ms: number): unknown;
    track(cleanup: () => void): unknown;
  };
  readonly events: { readonly emitter: EventEmitter; readonly handlers: ReadonlyMap<string, ReadonlySet<unknown>> };
}

function internalsOf(session: AppSession): MentraSessionInternals {
  return session as unknown as MentraSessionInternals;
}

function listenerTotal(emitter: EventEmitter | null): number {
  if (!emitter) return 0;
  return emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);
}

class MentraSession implements BenchSession {
  constructor(private readonly session: AppSession) {}

  get sessionObject(): object {
    return this.session;
  }

  onTranscription(handler: TranscriptionHandler): void {
    this.session.events.onTranscription(handler);
  }

  setTimeout(callback: () => void, ms: number): void {
    internalsOf(this.session).resources.setTimeout(callback, ms);
  }

  registerCleanup(cleanup: () => void): void {
    internalsOf(this.session).resources.track(cleanup);
  }

  onConnectionLost(listener: () => void): void {
    this.session.events.onDisconnected(() => listener());
  }

  resourceCounts(): ResourceCounts {
    const internals = internalsOf(this.session);
    let handlers = 0;
    for (const set of internals.events.handlers.values()) handlers += set.size;
    return {
      listeners: listenerTotal(internals.ws) + listenerTotal(internals.events.emitter) + handlers,
      cleanups: internals.resources.cleanupFunctions.length,
    };
  }

  disconnect(): Promise<void> {
    return this.session.disconnect();
  }
}

class BenchAppServer extends AppServer {
  constructor(
    setup: ClientSetup,
    private readonly onNewSession: (session: BenchSession) => void,
  ) {
    super({ packageName: setup.packageName, apiKey: setup.apiKey, port: 0 });
  }

  protected override async onSession(session: AppSession): Promise<void> {
    this.onNewSession(new MentraSession(session));
  }
}

class MentraClient implements BenchClient {
  private directServer: AppServer | undefined;

  constructor(private readonly setup: ClientSetup) {}

  async connect({ sessionId, userId }: { readonly sessionId: string; readonly userId: string }): Promise<BenchSession> {
    // An AppSession needs an AppServer for its logger; one that never listens serves them all.
    this.directServer ??= new AppServer({ packageName: this.setup.packageName, apiKey: this.setup.apiKey, port: 0 });
    const session = new AppSession({
      packageName: this.setup.packageName,
      apiKey: this.setup.apiKey,
      userId,
      appServer: this.directServer,
      mentraOSWebsocketUrl: this.setup.websocketUrl,
      reconnectDelay: this.setup.tuning.reconnectDelayMs,
    });
    await session.connect(sessionId);
    return new MentraSession(session);
  }

  async startWebhookServer(onSession: (session: BenchSession) => void): Promise<WebhookServer> {
    const server = new BenchAppServer(this.setup, onSession);
    return listenForWebhooks(http.createServer(server.getExpressApp()), MENTRA_WEBHOOK_PATH);
  }
}

export const createClient: BenchClientFactory = (setup) => new MentraClient(setup);
