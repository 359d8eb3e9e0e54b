import type { RawData, WebSocket } from 'ws';
import { CloseCode, CloseReason, type OwnershipRelease } from '@tpa/sdk/protocol';
import type { Logger } from '@tpa/sdk/logging';
import { Heartbeat } from './heartbeat.js';
import type { CloudSession } from './cloud-session.js';

/** How long a graceful close may take before the socket is terminated. */
const CLOSE_GRACE_MS = 1000;

export interface AppConnectionOptions {
  readonly pingIntervalMs: number;
  /** `null`: a silent socket is never terminated. */
  readonly silenceTimeoutMs: number | null;
  /** A socket that sends no valid `tpa_connection_init` within this time is closed (1008). */
  readonly initTimeoutMs: number;
  readonly logger: Logger;
  readonly onMessage: (connection: AppConnection, data: RawData, isBinary: boolean) => void;
  readonly onClose: (connection: AppConnection, code: number, reason: string) => void;
}

let nextConnectionId = 1;

/**
 * One app socket on the cloud side: its heartbeat, its session once the app identified itself,
 * and the faults a test can inject (silence). Every listener and timer it makes goes away when
 * the socket closes.
 */
export class AppConnection {
  readonly id = nextConnectionId++;
  readonly socket: WebSocket;
  /** The session this socket serves, set once its `tpa_connection_init` was accepted. */
  session: CloudSession | undefined;
  /** Set when the app sent `ownership_release` on this socket: its close is then no crash to recover from. */
  ownershipRelease: OwnershipRelease | undefined;
  private readonly heartbeat: Heartbeat;
  private readonly closed: Promise<void>;
  private initTimer: NodeJS.Timeout | undefined;
  private silenced = false;

  constructor(socket: WebSocket, options: AppConnectionOptions) {
    this.socket = socket;
    const logger = options.logger;
    this.heartbeat = new Heartbeat(socket, {
      pingIntervalMs: options.pingIntervalMs,
      silenceTimeoutMs: options.silenceTimeoutMs,
      onSilent: () => logger.warn({ connection: this.id, sessionId: this.session?.sessionId }, 'terminating a silent app socket'),
    });
    this.initTimer = setTimeout(() => {
      logger.warn({ connection: this.id }, 'app socket sent no tpa_connection_init in time');
      this.close(CloseCode.POLICY_VIOLATION, CloseReason.NO_ACTIVE_SESSION);
    }, options.initTimeoutMs);
    socket.on('message', (data, isBinary) => {
      this.heartbeat.touch();
      // A silenced cloud is a hung cloud: it hears nothing either.
      if (!this.silenced) options.onMessage(this, data, isBinary);
    });
    socket.on('ping', (data) => {
      this.heartbeat.touch();
      if (!this.silenced) socket.pong(data);
    });
    socket.on('pong', () => this.heartbeat.touch());
    socket.on('error', (error) => logger.debug({ connection: this.id, problem: error.message }, 'app socket error'));
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        this.heartbeat.stop();
        clearTimeout(this.initTimer);
        socket.removeAllListeners('message');
        socket.removeAllListeners('ping');
        socket.removeAllListeners('pong');
        options.onClose(this, code, reason.toString('utf8'));
        resolve();
      });
    });
    this.heartbeat.start();
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** The app identified itself: no init deadline any more. */
  markInitialised(session: CloudSession): void {
    clearTimeout(this.initTimer);
    this.initTimer = undefined;
    this.session = session;
  }

  /** Sends a message as JSON; false when nothing was sent (socket not open, or silenced). */
  send(message: object): boolean {
    return this.sendText(JSON.stringify(message));
  }

  /** Sends a text frame as it is; false when nothing was sent. */
  sendText(text: string): boolean {
    if (!this.isOpen || this.silenced) return false;
    this.socket.send(text);
    return true;
  }

  /** From now on this socket sends nothing, answers no ping and is never timed out by the cloud: a hung cloud. */
  silence(): void {
    this.silenced = true;
    this.heartbeat.stop();
  }

  /** Starts a close handshake; terminates the socket if the app does not answer it in time. Resolves once closed. */
  close(code: number, reason?: string): Promise<void> {
    if (this.socket.readyState === this.socket.CLOSED) return this.closed;
    if (this.socket.readyState !== this.socket.CLOSING) this.socket.close(code, reason);
    const fallback = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS);
    return this.closed.finally(() => clearTimeout(fallback));
  }

  /** Drops the connection at once, without a close handshake (1006 at the app). */
  terminate(): Promise<void> {
    this.socket.terminate();
    return this.closed;
  }
}
