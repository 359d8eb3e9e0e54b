/**
 * Our SDK, `@tpa/sdk`, through its public API: a `TpaSession` connected directly, and a
 * `TpaServer` subclass whose `onSession` takes webhook sessions. Its watchdog and reconnect
 * backoff are set to the benchmark's tuning; its logger is the default (silent) one. The SDK
 * module is a parameter, so that the same adapter drives the installed SDK and an older build of
 * it (see `tpa-sdk-builds.ts`).
 */
import type * as InstalledSdk from '@tpa/sdk';
import type { TpaServerConfig, TpaSession } from '@tpa/sdk';
import type * as InstalledProtocol from '@tpa/sdk/protocol';
import type { BenchClient, BenchClientFactory, BenchSession, ClientSetup, ResourceCounts, TranscriptionHandler, WebhookServer } from './bench-client.js';
import { WEBHOOK_LISTEN } from './bench-client.js';

/**
 * What the adapter uses of an SDK build. An older build is typed as the current one, loosely:
 * its API may differ a little, but it has these.
 */
export type TpaSdk = Pick<typeof InstalledSdk, 'TpaServer' | 'TpaSession'> & Pick<typeof InstalledProtocol, 'WEBHOOK_PATH'>;

type SessionHandoff = (session: BenchSession) => void;

class TpaBenchSession implements BenchSession {
  readonly #session: TpaSession;

  constructor(session: TpaSession) {
    this.#session = session;
  }

  get sessionObject(): object {
    return this.#session;
  }

  onTranscription(handler: TranscriptionHandler): void {
    this.#session.events.onTranscription(handler);
  }

  setTimeout(callback: () => void, ms: number): void {
    this.#session.setTimeout(callback, ms);
  }

  registerCleanup(cleanup: () => void): void {
    this.#session.registerCleanup(() => cleanup());
  }

  onConnectionLost(listener: () => void): void {
    this.#session.events.onDisconnected(() => listener());
  }

  resourceCounts(): ResourceCounts {
    return { listeners: this.#session.events.handlerCount, cleanups: this.#session.scope.size };
  }

  disconnect(): Promise<void> {
    return this.#session.disconnect();
  }
}

/** A `TpaServer` of the given build whose `onSession` hands each webhook session to the workload. */
function webhookServerClass(sdk: TpaSdk): new (config: TpaServerConfig, onNewSession: SessionHandoff) => InstanceType<TpaSdk['TpaServer']> {
  return class BenchTpaServer extends sdk.TpaServer {
    readonly #onNewSession: SessionHandoff;

    constructor(config: TpaServerConfig, onNewSession: SessionHandoff) {
      super(config);
      this.#onNewSession = onNewSession;
    }

    protected override async onSession(session: TpaSession): Promise<void> {
      this.#onNewSession(new TpaBenchSession(session));
    }
  };
}

class TpaClient implements BenchClient {
  readonly #setup: ClientSetup;
  readonly #sdk: TpaSdk;
  readonly #WebhookServer: ReturnType<typeof webhookServerClass>;

  constructor(setup: ClientSetup, sdk: TpaSdk) {
    this.#setup = setup;
    this.#sdk = sdk;
    this.#WebhookServer = webhookServerClass(sdk);
  }

  /** The session options of the benchmark's tuning. */
  get #sessionOptions(): { watchdogTimeoutMs: number; reconnect: { baseDelayMs: number } } {
    return { watchdogTimeoutMs: this.#setup.tuning.silenceTimeoutMs, reconnect: { baseDelayMs: this.#setup.tuning.reconnectDelayMs } };
  }

  async connect({ sessionId, userId }: { readonly sessionId: string; readonly userId: string }): Promise<BenchSession> {
    const session = new this.#sdk.TpaSession({
      ...this.#sessionOptions,
      packageName: this.#setup.packageName,
      apiKey: this.#setup.apiKey,
      augmentOSWebsocketUrl: this.#setup.websocketUrl,
      userId,
    });
    await session.connect(sessionId);
    return new TpaBenchSession(session);
  }

  async startWebhookServer(onSession: SessionHandoff): Promise<WebhookServer> {
    const server = new this.#WebhookServer(
      {
        packageName: this.#setup.packageName,
        apiKey: this.#setup.apiKey,
        augmentOSWebsocketUrl: this.#setup.websocketUrl,
        host: WEBHOOK_LISTEN.host,
        port: WEBHOOK_LISTEN.port,
        session: this.#sessionOptions,
      },
      onSession,
    );
    const address = await server.start();
    return { url: `${address.url}${this.#sdk.WEBHOOK_PATH}`, close: () => server.stop() };
  }
}

/** The adapter for one build of the SDK. */
export function tpaClientFactory(sdk: TpaSdk): BenchClientFactory {
  return (setup) => new TpaClient(setup, sdk);
}
