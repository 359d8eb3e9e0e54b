/**
 * What the cloud peer can be asked to do, over IPC. The peer is the cloud side of the benchmark:
 * it runs in its own process so that its work is not counted against the client being measured.
 */

/** A session the peer handed out: the user, and the id the cloud made for that user's app. */
export interface SessionIdentity {
  readonly sessionId: string;
  readonly userId: string;
}

export interface PeerInfo {
  /** Where clients open their sockets (`ws://127.0.0.1:<port>/tpa-ws`). */
  readonly websocketUrl: string;
  /** How often the peer pings every socket that is not silent, in ms. */
  readonly pingIntervalMs: number;
}

/** How a batch of webhooks went. */
export interface WebhookBatchResult {
  readonly succeeded: number;
  readonly failed: number;
  /** The first failure, to show when something went wrong. */
  readonly firstFailure: string | null;
}

export interface PeerApi {
  info(params: null): PeerInfo;
  /** Makes `count` new users and their session ids (unique across the peer's life). */
  newSessions(params: { readonly count: number }): SessionIdentity[];
  /** Drops every socket and forgets every session: a clean slate between jobs. */
  reset(params: null): void;
  /** Resolves once no socket of these sessions is open any more (after a teardown). */
  awaitSessionsClosed(params: { readonly sessionIds: readonly string[]; readonly timeoutMs: number }): null;
  /** Resolves once each of these sessions is acked and subscribed to transcription. */
  awaitListening(params: { readonly sessionIds: readonly string[]; readonly timeoutMs: number }): null;
  /** POSTs a `session_request` for each session to `url` at once; resolves when all were answered. */
  sendSessionWebhooks(params: { readonly url: string; readonly sessions: readonly SessionIdentity[] }): WebhookBatchResult;
  /**
   * Stops sessions the way the cloud does: closes each socket with 1000 "App stopped by user",
   * POSTs a `stop_request` to `url` when one is given, and resolves when every webhook was
   * answered and every socket is closed.
   */
  stopSessions(params: { readonly url: string | null; readonly sessions: readonly SessionIdentity[]; readonly timeoutMs: number }): WebhookBatchResult;
  /** Builds `count` transcription frames for a session ahead of time, so that sending them costs the peer almost nothing. */
  prepareFlood(params: { readonly sessionId: string; readonly count: number }): { readonly bytes: number; readonly streamType: string };
  /** Writes the frames that `prepareFlood` built; resolves when they are handed to the kernel. */
  flood(params: { readonly sessionId: string }): null;
  /** Drops a session's socket without a close frame, and resolves when the client is back and subscribed again. */
  dropConnection(params: { readonly sessionId: string; readonly timeoutMs: number }): null;
  /** Stops reading a session's socket and stops pinging it: the connection is alive for TCP, dead for the app. */
  goSilent(params: { readonly sessionId: string }): null;
}
