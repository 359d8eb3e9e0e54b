import type { WebSocket } from 'ws';

export interface HeartbeatOptions {
  /** How often to send a protocol ping. */
  readonly pingIntervalMs: number;
  /** How long a socket may show no activity (no frame, no pong, no ping) before it is terminated; `null`: forever. */
  readonly silenceTimeoutMs: number | null;
  /** Called just before a silent socket is terminated. */
  readonly onSilent: () => void;
}

/**
 * The cloud side of the protocol's heartbeat: WebSocket pings on an interval, and (when the
 * dialect has one) termination of a socket that stayed silent past a timeout. Owns its two
 * timers; {@link stop} clears them.
 */
export class Heartbeat {
  private readonly socket: WebSocket;
  private readonly options: HeartbeatOptions;
  private pingTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;

  constructor(socket: WebSocket, options: HeartbeatOptions) {
    this.socket = socket;
    this.options = options;
  }

  start(): void {
    this.stop();
    this.pingTimer = setInterval(() => {
      if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
    }, this.options.pingIntervalMs);
    if (this.options.silenceTimeoutMs === null) return;
    this.silenceTimer = setTimeout(() => {
      this.stop();
      this.options.onSilent();
      this.socket.terminate();
    }, this.options.silenceTimeoutMs);
  }

  /** The socket showed life: the silence timeout starts over. */
  touch(): void {
    this.silenceTimer?.refresh();
  }

  stop(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.silenceTimer);
    this.pingTimer = undefined;
    this.silenceTimer = undefined;
  }
}
