import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../logging/index.js';

/** The HTTP limits of a TPA server, in milliseconds (0: none). */
export interface HttpLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** How often a dropped connection is logged at most. */
const DROP_LOG_INTERVAL_MS = 60_000;

/** Node's server options for `limits`, with the timeouts checked often enough to act near time. */
export function httpServerOptions(limits: HttpLimits): ServerOptions {
  const { headersTimeoutMs, requestTimeoutMs } = limits;
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a whole number of milliseconds (0 for none), got ${value}`);
  }
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) {
    throw new TypeError(`headersTimeoutMs (${headersTimeoutMs}) must not be longer than requestTimeoutMs (${requestTimeoutMs})`);
  }
  // Node checks its timeouts every 30 s by default, which would let a 10 s limit run to 40 s.
  const shortest = Math.min(...[headersTimeoutMs, requestTimeoutMs].filter((ms) => ms > 0), 4_000);
  return { headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.max(10, Math.floor(shortest / 4)) };
}

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/**
 * The server's open connections and the request each is answering, so that stopping ends at once
 * every connection that is not being answered (a bare connect, a kept-alive one, one whose head or
 * body is still arriving), and closes the others as soon as their answer is sent.
 */
export class HttpConnections {
  /** Each open connection, with the request it is answering (none between requests). */
  readonly #open = new Map<Socket, Exchange | undefined>();
  #draining = false;
  #dropped = 0;
  #droppedLoggedAt = Number.NEGATIVE_INFINITY;

  /** Tracks `server`'s connections; add it before the request handler so it sees each request first. */
  constructor(server: Server, logger: Logger) {
    server.on('connection', (socket: Socket) => {
      this.#open.set(socket, undefined);
      socket.once('close', () => this.#open.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
    server.on('drop', () => {
      this.#dropped++;
      const now = Date.now();
      if (now - this.#droppedLoggedAt < DROP_LOG_INTERVAL_MS) return;
      logger.warn({ dropped: this.#dropped, maxConnections: server.maxConnections }, 'dropped connections over maxConnections');
      this.#droppedLoggedAt = now;
      this.#dropped = 0;
    });
  }

  get size(): number {
    return this.#open.size;
  }

  /**
   * Serves nothing more: destroys every connection that is not being answered, and closes the
   * others once their answer is sent.
   */
  drain(): void {
    this.#draining = true;
    for (const [socket, exchange] of this.#open) {
      if (!exchange || !exchange.req.complete) socket.destroy();
      else if (!exchange.res.headersSent) exchange.res.setHeader('Connection', 'close');
    }
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const { socket } = req;
    const exchange: Exchange = { req, res };
    if (!this.#open.has(socket)) return;
    this.#open.set(socket, exchange);
    if (this.#draining) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      if (this.#open.get(socket) !== exchange) return;
      if (this.#draining) socket.destroy();
      else this.#open.set(socket, undefined);
    });
  }
}
