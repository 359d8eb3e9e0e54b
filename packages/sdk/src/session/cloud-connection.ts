import WebSocket from 'ws';
import {
  CloseCode,
  CloudToTpaMessageType,
  parseCloudToTpaMessage,
  type ConnectionAck,
  type ConnectionInit,
} from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { TimerHandle } from '../resources/index.js';
import { TpaError } from '../errors.js';
import {
  onConnectionAck,
  onConnectionBlocked,
  onConnectionDrained,
  onConnectionBinary,
  onConnectionInternalError,
  onConnectionLost,
  onConnectionMessage,
  onConnectionProtocolError,
  type ConnectionOwner,
} from './connection-owner.js';
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
  readonly logger: Logger;
  /** Silence after which the socket counts as dead; 0 disables the watchdog. */
  readonly watchdogTimeoutMs: number;
  readonly maxMessageBytes: number;
  /** How long a graceful close (`Symbol.asyncDispose`) waits for the cloud's close frame. */
  readonly closeTimeoutMs: number;
  /** Who hears of the connection's events (its session). */
  readonly owner: ConnectionOwner;
  /** Above this many bytes waiting in the socket, droppable messages (displays) are held back. */
  readonly sendBufferLimitBytes: number;
  /** A socket blocked this long counts as lost. */
  readonly sendBlockedTimeoutMs: number;
}

/** What became of a message given to {@link CloudConnection.send}. */
export type SendOutcome = 'sent' | 'blocked' | 'closed';

/** While blocked, how often the socket's buffer is looked at. */
const DRAIN_POLL_MS = 50;

/**
 * `connecting` until the cloud acks (or refuses); `open` once acked; `closing` during a graceful
 * close; `closed` once disposed, after which its socket's events reach no one.
 */
export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

interface PendingOpen {
  readonly resolve: (ack: ConnectionAck) => void;
  readonly reject: (error: SessionError) => void;
  readonly timer: TimerHandle;
}

/**
 * Frames up to this many times the message limit reach the parser, which refuses a text frame over
 * the limit with an error event and keeps the socket; a larger frame makes `ws` close the socket
 * (1009), and the session reconnects. Nothing bigger is ever held in memory.
 */
const SOCKET_PAYLOAD_FACTOR = 4;

/** Where a socket's listeners find their connection, so that no closure is made per listener. */
const OWNER = Symbol('tpa.connection');
type OwnedSocket = WebSocket & { [OWNER]?: CloudConnection };

const noop = (): void => undefined;

/**
 * One WebSocket to the cloud, from open to dispose. A reconnect makes a new one, so nothing can
 * send through a stale socket. Disposing it removes its listeners, clears its timers and
 * terminates the socket; events of a disposed connection reach no one.
 *
 * Its listeners are shared functions rather than closures: a server may hold thousands of these.
 */
export class CloudConnection implements Disposable, AsyncDisposable {
  readonly #options: CloudConnectionOptions;
  readonly #ws: OwnedSocket;
  #state: ConnectionState = 'connecting';
  #pending: PendingOpen | undefined;
  /** Why an open connection was lost: the watchdog terminated it for silence. */
  #stale = false;
  #lastError: Error | undefined;
  #init: ConnectionInit | undefined;
  #watchdog: TimerHandle | undefined;
  /** While the socket is blocked: since when, and the poll that waits for it to drain. */
  #blocked: { readonly since: number; readonly poll: TimerHandle } | undefined;

  constructor(options: CloudConnectionOptions) {
    this.#options = options;
    // UTF-8 is checked by the parser, not by ws: a bad frame is an error event (INVALID_UTF8) and
    // the socket stays open, where ws would close it (1007).
    // No permessage-deflate: the real cloud does not need it, and a compressed frame would be
    // inflated before any size limit applies (a 1 MiB "bomb" becomes hundreds of MiB).
    this.#ws = new WebSocket(options.url, {
      maxPayload: options.maxMessageBytes * SOCKET_PAYLOAD_FACTOR,
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    this.#ws[OWNER] = this;
    this.#ws.on('open', onOpen).on('message', onMessage).on('close', onClose).on('error', onError).on('ping', onActivity).on('pong', onActivity);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Sends `init` on open and resolves with the ack; rejects on a refusal, a close, a timeout or dispose. */
  open(init: ConnectionInit, timeoutMs: number): Promise<ConnectionAck> {
    if (this.#state !== 'connecting' || this.#pending) {
      return Promise.reject(new SessionError('INVALID_STATE', `open() needs a new connection; this one is ${this.#state}`, { sessionId: this.#options.sessionId }));
    }
    this.#init = init;
    return new Promise<ConnectionAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new SessionError('CONNECT_TIMEOUT', `no tpa_connection_ack within ${timeoutMs} ms from ${this.#options.url}`, { sessionId: this.#options.sessionId }));
        this.#ws.terminate();
      }, timeoutMs);
      this.#pending = { resolve, reject, timer };
      if (this.#ws.readyState === WebSocket.OPEN) this.handleOpen();
    });
  }

  /**
   * Sends a JSON message if the connection is open (acked) and its socket too. A `droppable` one
   * (a display, of which the session keeps the newest) is held back while the socket is blocked:
   * when the cloud stops reading, memory stays bounded by `sendBufferLimitBytes`.
   */
  send(message: object, droppable = false): SendOutcome {
    if (this.#state !== 'open' || this.#ws.readyState !== WebSocket.OPEN) return 'closed';
    if (droppable && this.#isBlocked()) return 'blocked';
    this.#ws.send(JSON.stringify(message));
    return 'sent';
  }

  /** Whether the socket holds more than the limit; the first time, starts watching it drain. */
  #isBlocked(): boolean {
    if (this.#blocked) return true;
    const buffered = this.#ws.bufferedAmount;
    if (buffered <= this.#options.sendBufferLimitBytes) return false;
    const poll = setInterval(() => this.#watchBlocked(), DRAIN_POLL_MS);
    this.#blocked = { since: Date.now(), poll };
    this.#options.owner[onConnectionBlocked](buffered);
    return true;
  }

  #watchBlocked(): void {
    const blocked = this.#blocked;
    if (!blocked) return;
    if (this.#ws.bufferedAmount <= this.#options.sendBufferLimitBytes / 4) {
      clearInterval(blocked.poll);
      this.#blocked = undefined;
      this.#options.owner[onConnectionDrained]();
    } else if (Date.now() - blocked.since >= this.#options.sendBlockedTimeoutMs) {
      clearInterval(blocked.poll);
      this.#options.logger.warn({ blockedForMs: Date.now() - blocked.since }, 'the cloud has not read the socket for too long; treating the connection as lost');
      this.#stale = true;
      this.#ws.terminate();
    }
  }

  /** Closes gracefully, waiting at most `timeoutMs` for the cloud's close frame, then disposes. */
  async close(code: number, reason: string, timeoutMs: number): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.#fail(this.#closedWhileConnecting());
    const ws = this.#ws;
    if (ws.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          ws.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        ws.on('close', done);
        ws.close(code, reason);
      });
    }
    this[Symbol.dispose]();
  }

  /** Closes gracefully (1000), as a session's scope does when the session ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close(CloseCode.NORMAL, 'TPA disconnected', this.#options.closeTimeoutMs);
  }

  /** Removes every listener, clears every timer, terminates the socket. Idempotent. */
  [Symbol.dispose](): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#fail(this.#closedWhileConnecting());
    clearTimeout(this.#watchdog);
    clearInterval(this.#blocked?.poll);
    this.#blocked = undefined;
    const ws = this.#ws;
    ws.off('open', onOpen).off('message', onMessage).off('close', onClose).off('error', onError).off('ping', onActivity).off('pong', onActivity);
    // A socket still connecting reports its abort as an 'error' that must find a listener.
    ws.on('error', noop);
    delete ws[OWNER];
    ws.terminate();
  }

  // Called by the shared listeners below.

  handleOpen(): void {
    if (!this.#init) return;
    this.#ws.send(JSON.stringify(this.#init));
    // Sent once: do not keep the API key (or the object) for the life of the connection.
    this.#init = undefined;
  }

  handleMessage(data: WebSocket.RawData, isBinary: boolean): void {
    this.#watchdog?.refresh();
    if (isBinary) {
      this.#options.owner[onConnectionBinary](Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]));
      return;
    }
    const parsed = parseCloudToTpaMessage(data, { maxBytes: this.#options.maxMessageBytes });
    if (!parsed.ok) {
      this.#options.owner[onConnectionProtocolError](parsed.error);
      return;
    }
    const message = parsed.value;
    const pending = this.#pending;
    if (pending && message.type === CloudToTpaMessageType.CONNECTION_ACK) {
      this.#pending = undefined;
      clearTimeout(pending.timer);
      this.#state = 'open';
      this.#startWatchdog();
      this.#options.owner[onConnectionAck](message);
      pending.resolve(message);
    } else if (pending && message.type === CloudToTpaMessageType.TPA_CONNECTION_ERROR) {
      this.#fail(new SessionError('AUTH_REJECTED', `the cloud refused the connection: ${message.message}`, { sessionId: this.#options.sessionId }));
      this.#ws.close(CloseCode.NORMAL);
    } else {
      this.#options.owner[onConnectionMessage](message);
    }
  }

  handleClose(code: number, reasonBuffer: Buffer): void {
    const reason = reasonBuffer.toString();
    if (this.#state === 'open') {
      this.#options.owner[onConnectionLost](this, { code, reason, stale: this.#stale });
      return;
    }
    if (this.#state !== 'connecting') return; // a close we started: nobody is waiting for it here
    const refused = code === CloseCode.POLICY_VIOLATION;
    const detail = `${code}${reason ? ` ${reason}` : ''}`;
    const message = refused ? `the cloud refused the connection: ${detail}` : `could not connect to ${this.#options.url}: ${this.#lastError?.message ?? `closed with ${detail}`}`;
    this.#fail(
      new SessionError(refused ? 'AUTH_REJECTED' : 'CONNECTION_FAILED', message, {
        sessionId: this.#options.sessionId,
        closeCode: code,
        closeReason: reason,
        cause: this.#lastError,
      }),
    );
  }

  handleError(error: Error): void {
    this.#lastError = error;
    this.#options.logger.debug({ err: error }, 'socket error');
  }

  handleActivity(): void {
    this.#watchdog?.refresh();
  }

  reportInternal(error: TpaError): void {
    this.#options.owner[onConnectionInternalError](error);
  }

  #closedWhileConnecting(): SessionError {
    return new SessionError('SESSION_CLOSED', 'the session ended while connecting', { sessionId: this.#options.sessionId });
  }

  #fail(error: SessionError): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  #startWatchdog(): void {
    const { watchdogTimeoutMs, logger } = this.#options;
    if (watchdogTimeoutMs <= 0) return;
    // One timer, refreshed on activity: no polling.
    this.#watchdog = setTimeout(() => {
      logger.warn({ silentForMs: watchdogTimeoutMs }, 'no message or ping from the cloud; treating the connection as lost');
      this.#stale = true;
      this.#ws.terminate();
    }, watchdogTimeoutMs);
  }
}

/** Runs a socket event on its connection; a throw is reported, never left to ws. */
function relay(socket: OwnedSocket, event: string, handle: (connection: CloudConnection) => void): void {
  const connection = socket[OWNER];
  if (!connection) return;
  try {
    handle(connection);
  } catch (error) {
    connection.reportInternal(new TpaError('INTERNAL_ERROR', `handling the socket's "${event}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
  }
}

function onOpen(this: OwnedSocket): void {
  relay(this, 'open', (connection) => connection.handleOpen());
}

function onMessage(this: OwnedSocket, data: WebSocket.RawData, isBinary: boolean): void {
  // The hot path: no closure per message, so not through relay().
  const connection = this[OWNER];
  if (!connection) return;
  try {
    connection.handleMessage(data, isBinary);
  } catch (error) {
    connection.reportInternal(new TpaError('INTERNAL_ERROR', `handling a message failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
  }
}

function onClose(this: OwnedSocket, code: number, reason: Buffer): void {
  relay(this, 'close', (connection) => connection.handleClose(code, reason));
}

function onError(this: OwnedSocket, error: Error): void {
  relay(this, 'error', (connection) => connection.handleError(error));
}

function onActivity(this: OwnedSocket): void {
  relay(this, 'activity', (connection) => connection.handleActivity());
}
