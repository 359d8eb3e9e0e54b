/**
 * What the workloads need from a client library, and nothing more: each library under test
 * (the raw `ws` floor, `@mentra/sdk`, our SDK) gets an adapter that implements these with the
 * library's own API, the way an app author would use it.
 */

/** Settings every adapter applies as far as its library allows; the report states them. */
export interface ClientTuning {
  /** Delay before reconnecting after an abnormal close, in ms. */
  readonly reconnectDelayMs: number;
  /** A session that hears nothing from the cloud (no ping, no message) for this long gives the connection up, in ms. */
  readonly silenceTimeoutMs: number;
}

export interface ClientSetup {
  readonly websocketUrl: string;
  readonly packageName: string;
  readonly apiKey: string;
  readonly tuning: ClientTuning;
}

/** Listeners and cleanups a session holds right now, counted from the library's own structures. */
export interface ResourceCounts {
  readonly listeners: number;
  readonly cleanups: number;
}

export type TranscriptionHandler = (data: unknown) => void;

/** One app session, as the workloads drive it. */
export interface BenchSession {
  /** The library's own session object: the workloads watch it with a `WeakRef` to see whether it is retained. */
  readonly sessionObject: object;
  /** Subscribes to transcription and adds a handler. */
  onTranscription(handler: TranscriptionHandler): void;
  /** A timer that belongs to the session. */
  setTimeout(callback: () => void, ms: number): void;
  /** A function to run when the session ends. */
  registerCleanup(cleanup: () => void): void;
  /** Called when the session notices that its connection is gone. */
  onConnectionLost(listener: () => void): void;
  resourceCounts(): ResourceCounts;
  /** Ends the session: the app stops it. */
  disconnect(): Promise<void>;
}

/** An HTTP server that takes the cloud's webhooks. */
export interface WebhookServer {
  /** The URL the cloud POSTs to (`http://127.0.0.1:<port>/webhook`). */
  readonly url: string;
  close(): Promise<void>;
}

export interface BenchClient {
  /** Opens a session by dialing the cloud directly (the direct path). */
  connect(session: { readonly sessionId: string; readonly userId: string }): Promise<BenchSession>;
  /** Starts a server that opens a session for each `session_request` webhook and hands it to `onSession` (the webhook path). */
  startWebhookServer(onSession: (session: BenchSession) => void): Promise<WebhookServer>;
}

/** What an adapter module exports. */
export type BenchClientFactory = (setup: ClientSetup) => BenchClient;

/** Every webhook server of the benchmark listens on loopback, on a port the OS picks. */
export const WEBHOOK_LISTEN = { host: '127.0.0.1', port: 0 } as const;
