import WebSocket from 'ws';
import {
  CloseCode,
  CloudToTpaMessageType,
  parseCloudToTpaMessage,
  type CloudToTpaMessage,
  type ConnectionAck,
  type ConnectionInit,
  type ProtocolError,
} from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { Scope, TimerHandle } from '../resources/index.js';
import { SessionError } from './errors.js';

export interface ConnectionLoss {
  readonly code: number;
  readonly reason: string;
  /** `true` when the watchdog terminated a silent connection. */
  readonly stale: boolean;
}

export interface CloudConnectionOptions {
  readonly url: string;
  readonly sessionId: string;
  /** Owns this connection: closing it removes every listener and terminates the socket. */
  readonly scope: Scope;
  readonly logger: Logger;
  /** Silence after which the socket counts as dead; 0 disables the watchdog. */
  readonly watchdogTimeoutMs: number;
  readonly maxMessageBytes: number;
  /**
   * Called synchronously with the ack, before `open()` resolves: frames that arrive in the same
   * read as the ack (a settings_update right behind it) must find its effects already applied.
   */
  readonly onAck: (ack: ConnectionAck) => void;
  readonly onMessage: (message: CloudToTpaMessage) => void;
  readonly onBinary: (data: Buffer) => void;
  readonly onProtocolError: (error: ProtocolError) => void;
  /** The socket closed after it was acknowledged. Never called for a close the session asked for. */
  readonly onLost: (loss: ConnectionLoss) => void;
}

/** The socket may carry large audio frames; text frames are bounded by the parser instead. */
const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024 * 1024;

const noop = (): void => undefined;

/**
 * One WebSocket to the cloud, from open to close. A reconnect makes a new one, so nothing can
 * send through a stale socket; everything it registers belongs to its scope.
 */
export class CloudConnection {
  readonly #options: CloudConnectionOptions;
  readonly #ws: WebSocket;
  #acked = false;
  #stale = false;
  #watchdog: TimerHandle | undefined;

  constructor(options: CloudConnectionOptions) {
    this.#options = options;
    // UTF-8 is not validated by ws: a bad frame then fails JSON or schema validation as an error
    // event, where ws would close the socket (1007) for it.
    this.#ws = new WebSocket(options.url, { maxPayload: MAX_SOCKET_PAYLOAD_BYTES, skipUTF8Validation: true });
    // Registered first so it runs last: listeners are gone by then, and a socket still
    // connecting reports its abort as an 'error' that must find a listener.
    options.scope.add(() => {
      this.#ws.on('error', noop);
      this.#ws.terminate();
    });
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  /** Sends `init` on open and resolves with the ack; rejects on a refusal, a close, or a timeout. */
  open(init: ConnectionInit, timeoutMs: number): Promise<ConnectionAck> {
    const { scope, sessionId } = this.#options;
    return new Promise<ConnectionAck>((resolve, reject) => {
      let lastError: Error | undefined;
      let settled = false;
      const connectTimer = scope.setTimeout(() => {
        fail(new SessionError('CONNECT_TIMEOUT', `no tpa_connection_ack within ${timeoutMs} ms from ${this.#options.url}`, { sessionId }));
        this.#ws.terminate();
      }, timeoutMs);
      const fail = (error: SessionError): void => {
        if (settled) return;
        settled = true;
        scope.clearTimer(connectTimer);
        reject(error);
      };
      scope.onClose((reason) => fail(new SessionError('SESSION_CLOSED', `the session ended while connecting (${reason.kind})`, { sessionId })));
      scope.listen(this.#ws, 'open', () => this.#ws.send(JSON.stringify(init)));
      scope.listen(this.#ws, 'error', (error: Error) => {
        lastError = error;
        this.#options.logger.debug({ err: error }, 'socket error');
      });
      scope.listen(this.#ws, 'ping', () => this.#activity());
      scope.listen(this.#ws, 'pong', () => this.#activity());
      scope.listen(this.#ws, 'message', (data: WebSocket.RawData, isBinary: boolean) => {
        this.#activity();
        if (isBinary) {
          this.#options.onBinary(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
          return;
        }
        const parsed = parseCloudToTpaMessage(data, { maxBytes: this.#options.maxMessageBytes });
        if (!parsed.ok) {
          this.#options.onProtocolError(parsed.error);
          return;
        }
        const message = parsed.value;
        if (!settled && message.type === CloudToTpaMessageType.CONNECTION_ACK) {
          settled = true;
          this.#acked = true;
          scope.clearTimer(connectTimer);
          this.#startWatchdog();
          this.#options.onAck(message);
          resolve(message);
        } else if (!settled && message.type === CloudToTpaMessageType.TPA_CONNECTION_ERROR) {
          fail(new SessionError('AUTH_REJECTED', `the cloud refused the connection: ${message.message}`, { sessionId }));
          this.#ws.close(CloseCode.NORMAL);
        } else {
          this.#options.onMessage(message);
        }
      });
      scope.listen(this.#ws, 'close', (code: number, reasonBuffer: Buffer) => {
        const reason = reasonBuffer.toString();
        if (this.#acked) {
          this.#options.onLost({ code, reason, stale: this.#stale });
          return;
        }
        const refused = code === CloseCode.POLICY_VIOLATION;
        const detail = `${code}${reason ? ` ${reason}` : ''}`;
        fail(
          new SessionError(refused ? 'AUTH_REJECTED' : 'CONNECTION_FAILED', refused ? `the cloud refused the connection: ${detail}` : `could not connect to ${this.#options.url}: ${lastError?.message ?? `closed with ${detail}`}`, {
            sessionId,
            closeCode: code,
            closeReason: reason,
            cause: lastError,
          }),
        );
      });
    });
  }

  /** Sends a JSON message if the socket is open; `false` otherwise. */
  send(message: object): boolean {
    if (this.#ws.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  /** Closes gracefully, waiting at most `timeoutMs` for the cloud's close frame, then terminates. */
  close(code: number, reason: string, timeoutMs: number): Promise<void> {
    const ws = this.#ws;
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    if (ws.readyState !== WebSocket.OPEN) {
      ws.on('error', noop);
      ws.terminate();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        ws.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        ws.terminate();
        done();
      }, timeoutMs);
      ws.on('close', done);
      ws.close(code, reason);
    });
  }

  #startWatchdog(): void {
    const { watchdogTimeoutMs, scope, logger } = this.#options;
    if (watchdogTimeoutMs <= 0) return;
    // Owned by the scope but not made by scope.setTimeout: refresh() re-arms it after it fired,
    // and it must stay owned (and cleared) whatever happens.
    this.#watchdog = scope.add(
      setTimeout(() => {
        logger.warn({ silentForMs: watchdogTimeoutMs }, 'no message or ping from the cloud; treating the connection as lost');
        this.#stale = true;
        this.#ws.terminate();
      }, watchdogTimeoutMs),
    );
  }

  #activity(): void {
    this.#watchdog?.refresh();
  }
}
