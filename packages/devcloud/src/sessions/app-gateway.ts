import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import {
  OwnershipReleaseSchema,
  TpaToCloudMessageType,
  isLaterDialectTpaMessage,
  parseTpaToCloudMessage,
  type ConnectionInit,
  type DisplayEvent,
  type OwnershipRelease,
  type ProtocolErrorCode,
  type SubscriptionUpdate,
} from '@tpa/sdk/protocol';
import type { Logger } from '@tpa/sdk/logging';
import type { Dialect } from '../dialects/index.js';
import { AppConnection } from './app-connection.js';

/** What the cloud does with the valid messages of app sockets. */
export interface AppMessageHandlers {
  /** A socket that has no session yet identified itself. */
  onInit(connection: AppConnection, init: ConnectionInit): void;
  onSubscriptionUpdate(connection: AppConnection, update: SubscriptionUpdate): void;
  onDisplayEvent(connection: AppConnection, event: DisplayEvent): void;
  /** The app lets go of its session on purpose (later dialect). */
  onOwnershipRelease(connection: AppConnection, release: OwnershipRelease): void;
  onClose(connection: AppConnection, code: number, reason: string): void;
}

export interface AppGatewayOptions {
  /** Its socket path and how it answers a bad frame. */
  readonly dialect: Dialect;
  readonly pingIntervalMs: number;
  readonly silenceTimeoutMs: number | null;
  readonly initTimeoutMs: number;
  /** Text frames larger than this are refused as invalid, in the dialect's way. */
  readonly maxMessageBytes: number;
  readonly logger: Logger;
  readonly handlers: AppMessageHandlers;
}

/** Frames this much over the message limit are refused by `ws` itself (close 1009): a hard ceiling. */
const HARD_FRAME_LIMIT_FACTOR = 16;

/** Parse failures that mean the real cloud's `JSON.parse` would have thrown. */
const UNPARSEABLE: readonly ProtocolErrorCode[] = ['INVALID_JSON', 'INVALID_UTF8'];

/**
 * The app socket endpoint: accepts app sockets on the dialect's path only, turns their frames
 * into protocol messages and answers bad ones as the dialect does. Binary frames, unknown types
 * and later-dialect types it does not serve are ignored with a log line.
 */
export class AppGateway {
  private readonly server: WebSocketServer;
  private readonly connections = new Set<AppConnection>();
  private readonly options: AppGatewayOptions;
  private closing = false;

  constructor(options: AppGatewayOptions) {
    this.options = options;
    this.server = new WebSocketServer({
      noServer: true,
      autoPong: false,
      maxPayload: options.maxMessageBytes * HARD_FRAME_LIMIT_FACTOR,
    });
  }

  /**
   * Handles an HTTP upgrade on the dialect's socket path. Any other path is destroyed without an
   * answer, as both real clouds did; a closing cloud answers 503.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { dialect, logger } = this.options;
    const requestUrl = request.url ?? '/';
    if (this.closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!dialect.acceptsSocketUrl(requestUrl)) {
      logger.warn({ requestUrl, dialect: dialect.name }, `refused a socket on ${requestUrl}: the ${dialect.name} cloud serves apps on ${dialect.socketPath} only`);
      socket.destroy();
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => {
      const connection = new AppConnection(ws, {
        pingIntervalMs: this.options.pingIntervalMs,
        silenceTimeoutMs: this.options.silenceTimeoutMs,
        initTimeoutMs: this.options.initTimeoutMs,
        logger: this.options.logger,
        onMessage: (from, data, isBinary) => this.onMessage(from, data, isBinary),
        onClose: (from, code, reason) => {
          this.connections.delete(from);
          this.options.handlers.onClose(from, code, reason);
        },
      });
      this.connections.add(connection);
      this.options.logger.debug({ connection: connection.id }, 'app socket opened');
    });
  }

  /** Closes every app socket (terminating those that do not finish the handshake) and the socket server. */
  async close(code: number, reason?: string): Promise<void> {
    this.closing = true;
    await Promise.all([...this.connections].map((connection) => connection.close(code, reason)));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onMessage(connection: AppConnection, data: RawData, isBinary: boolean): void {
    const { logger, dialect } = this.options;
    if (isBinary) {
      logger.debug({ connection: connection.id }, 'ignored a binary frame from an app');
      return;
    }
    const parsed = parseTpaToCloudMessage(data, { maxBytes: this.options.maxMessageBytes });
    if (!parsed.ok) {
      if (parsed.error.code === 'UNKNOWN_TYPE') {
        logger.info({ connection: connection.id, type: parsed.error.messageType }, 'ignored an app message of unknown type');
        return;
      }
      logger.warn({ connection: connection.id, problem: parsed.error.message }, 'bad frame from an app');
      const kind = UNPARSEABLE.includes(parsed.error.code) ? 'unparseable' : 'invalid';
      dialect.reportProblem(connection, { kind, detail: parsed.error.message });
      return;
    }
    const message = parsed.value;
    if (isLaterDialectTpaMessage(message)) {
      const release = OwnershipReleaseSchema.safeParse(message);
      if (release.success && connection.session) this.options.handlers.onOwnershipRelease(connection, release.data);
      else logger.info({ connection: connection.id, type: message.type }, 'ignored a later-dialect app message that this cloud does not serve');
      return;
    }
    if (message.type === TpaToCloudMessageType.CONNECTION_INIT) {
      if (connection.session) {
        dialect.reportProblem(connection, { kind: 'invalid', detail: `this socket already serves session ${connection.session.sessionId}` });
        return;
      }
      this.options.handlers.onInit(connection, message);
      return;
    }
    if (!connection.session) {
      dialect.reportProblem(connection, { kind: 'not-initialised', messageType: message.type });
      return;
    }
    if (message.type === TpaToCloudMessageType.SUBSCRIPTION_UPDATE) this.options.handlers.onSubscriptionUpdate(connection, message);
    else this.options.handlers.onDisplayEvent(connection, message);
  }
}
