import type { IncomingMessage, ServerResponse } from 'node:http';

/** How often an idle event stream gets a `: ping` comment, so proxies and browsers keep it open. */
export const LIVE_PING_INTERVAL_MS = 15_000;

export interface LiveEvent {
  readonly event: string;
  readonly data: unknown;
}

function frame({ event, data }: LiveEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The Server-Sent Events stream of `GET /api/live`: every client gets every broadcast; a comment
 * line keeps idle streams open. {@link close} ends every stream and stops the ping timer.
 */
export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private readonly pingIntervalMs: number;
  private pingTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(pingIntervalMs: number = LIVE_PING_INTERVAL_MS) {
    this.pingIntervalMs = pingIntervalMs;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Turns a request into an event stream and sends it `initial` events first. */
  attach(req: IncomingMessage, res: ServerResponse, initial: readonly LiveEvent[]): void {
    if (this.closed) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', message: 'the dev cloud is closing' }));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    for (const event of initial) res.write(frame(event));
    this.clients.add(res);
    req.socket.setKeepAlive(true);
    const forget = (): void => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopPings();
    };
    res.on('close', forget);
    this.startPings();
  }

  broadcast(event: LiveEvent): void {
    const text = frame(event);
    for (const client of this.clients) client.write(text);
  }

  /** Ends every stream; later requests get a 503. */
  close(): void {
    this.closed = true;
    this.stopPings();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private startPings(): void {
    if (this.pingTimer) return;
    this.pingTimer = setInterval(() => {
      for (const client of this.clients) client.write(': ping\n\n');
    }, this.pingIntervalMs);
  }

  private stopPings(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}
