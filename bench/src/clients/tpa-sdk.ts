/**
 * Our SDK, `@tpa/sdk`, through its public API: a `TpaSession` connected directly, and a
 * `TpaServer` subclass whose `onSession` takes webhook sessions. Its watchdog and reconnect
 * backoff are set to the benchmark's tuning; its logger is the default (silent) one.
 */
import { TpaServer, TpaSession, WEBHOOK_PATH, type TpaServerConfig } from '@tpa/sdk';
import type { BenchClient, BenchClientFactory, BenchSession, ClientSetup, ResourceCounts, TranscriptionHandler, WebhookServer } from './bench-client.js';
import { WEBHOOK_LISTEN } from './bench-client.js';

class TpaBenchSession implements BenchSession {
  constructor(private readonly session: TpaSession) {}

  get sessionObject(): object {
    return this.session;
  }

  onTranscription(handler: TranscriptionHandler): void {
    this.session.events.onTranscription(handler);
  }

  setTimeout(callback: () => void, ms: number): void {
    this.session.setTimeout(callback, ms);
  }

  registerCleanup(cleanup: () => void): void {
    this.session.registerCleanup(() => cleanup());
  }

  onConnectionLost(listener: () => void): void {
    this.session.events.onDisconnected(() => listener());
  }

  resourceCounts(): ResourceCounts {
    return { listeners: this.session.events.handlerCount, cleanups: this.session.scope.size };
  }

  disconnect(): Promise<void> {
    return this.session.disconnect();
  }
}

class BenchTpaServer extends TpaServer {
  constructor(
    config: TpaServerConfig,
    private readonly onNewSession: (session: BenchSession) => void,
  ) {
    super(config);
  }

  protected override async onSession(session: TpaSession): Promise<void> {
    this.onNewSession(new TpaBenchSession(session));
  }
}

class TpaClient implements BenchClient {
  constructor(private readonly setup: ClientSetup) {}

  /** The session options of the benchmark's tuning. */
  private get sessionOptions(): { watchdogTimeoutMs: number; reconnect: { baseDelayMs: number } } {
    return { watchdogTimeoutMs: this.setup.tuning.silenceTimeoutMs, reconnect: { baseDelayMs: this.setup.tuning.reconnectDelayMs } };
  }

  async connect({ sessionId, userId }: { readonly sessionId: string; readonly userId: string }): Promise<BenchSession> {
    const session = new TpaSession({
      ...this.sessionOptions,
      packageName: this.setup.packageName,
      apiKey: this.setup.apiKey,
      augmentOSWebsocketUrl: this.setup.websocketUrl,
      userId,
    });
    await session.connect(sessionId);
    return new TpaBenchSession(session);
  }

  async startWebhookServer(onSession: (session: BenchSession) => void): Promise<WebhookServer> {
    const server = new BenchTpaServer(
      {
        packageName: this.setup.packageName,
        apiKey: this.setup.apiKey,
        augmentOSWebsocketUrl: this.setup.websocketUrl,
        host: WEBHOOK_LISTEN.host,
        port: WEBHOOK_LISTEN.port,
        session: this.sessionOptions,
      },
      onSession,
    );
    const address = await server.start();
    return { url: `${address.url}${WEBHOOK_PATH}`, close: () => server.stop() };
  }
}

export const createClient: BenchClientFactory = (setup) => new TpaClient(setup);
