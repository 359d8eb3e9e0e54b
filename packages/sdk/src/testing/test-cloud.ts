import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  buildConnectionAck,
  buildDataStream,
  buildSettingsUpdate,
  CloseCode,
  CloseReason,
  parseTpaToCloudMessage,
  subscriptionNames,
  TPA_WEBSOCKET_PATH,
  TpaToCloudMessageType,
  type ConnectionAckExtras,
  type WireSetting,
  type ConnectionInit,
  type TpaToCloudMessage,
} from '../protocol/index.js';

export interface TestCloudOptions {
  /** When set, an init with another key is closed with 1008 `Invalid API key`. */
  readonly apiKey?: string;
  /** Fields added to every ack, as the later cloud adds `augmentosSettings` and `capabilities`. */
  readonly ackExtras?: ConnectionAckExtras;
  /** Settings sent in every ack. */
  readonly settings?: readonly WireSetting[];
  /** Wait this long before acking (a slow cloud). */
  readonly ackDelayMs?: number;
  /** `false`: never ack (a cloud that hangs). Default `true`. */
  readonly ack?: boolean;
  /** Send protocol pings at this interval, like the real cloud. Default: none. */
  readonly pingIntervalMs?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: a free port chosen by the OS. */
  readonly port?: number;
  /** The socket path: `/tpa-ws` (the spring cloud's, the default) or `/app-ws` (the later cloud's). */
  readonly path?: string;
  /** Runs right after each ack is sent, in the same tick (to send frames that arrive with it). */
  readonly afterAck?: (connection: TestCloudConnection) => void;
}

interface Waiter<T> {
  readonly test: (value: T) => boolean;
  readonly resolve: (value: T) => void;
}

function waitFor<T>(waiters: Set<Waiter<T>>, existing: readonly T[], test: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const found = existing.find(test);
  if (found !== undefined) return Promise.resolve(found);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    // A wait must not keep a finished test's process alive.
    timer.unref();
    const waiter: Waiter<T> = {
      test,
      resolve: (value) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(value);
      },
    };
    waiters.add(waiter);
  });
}

function notify<T>(waiters: Set<Waiter<T>>, value: T): void {
  for (const waiter of [...waiters]) if (waiter.test(value)) waiter.resolve(value);
}

/** One app socket as the test cloud sees it. */
export class TestCloudConnection {
  readonly messages: TpaToCloudMessage[] = [];
  /** Frames that did not parse, as text. */
  readonly invalidFrames: string[] = [];
  init: ConnectionInit | undefined;
  subscriptions: string[] = [];
  closed: { code: number; reason: string } | undefined;
  readonly #waiters = new Set<Waiter<TpaToCloudMessage>>();
  readonly #closeWaiters = new Set<Waiter<{ code: number; reason: string }>>();

  constructor(readonly socket: WebSocket) {}

  get sessionId(): string | undefined {
    return this.init?.sessionId;
  }

  /** Sends a message object as JSON, or a raw string/Buffer as it is (to test bad frames). */
  send(message: object | string | Buffer, options: { binary?: boolean } = {}): void {
    const frame = typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message);
    this.socket.send(frame, { binary: options.binary ?? Buffer.isBuffer(message) });
  }

  /** Sends a `data_stream` for this connection's session. */
  sendData(streamType: string, data: Record<string, unknown>): void {
    this.send(buildDataStream(this.sessionId ?? '', streamType, data));
  }

  sendSettings(settings: readonly WireSetting[]): void {
    this.send(buildSettingsUpdate(this.sessionId ?? '', this.init?.packageName ?? '', settings));
  }

  /** Closes as the cloud does when the user stops the app. */
  stopApp(): void {
    this.socket.close(CloseCode.NORMAL, CloseReason.APP_STOPPED);
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  /** Drops the connection with no close frame (the app sees 1006). */
  terminate(): void {
    this.socket.terminate();
  }

  /** Stops reading from the socket: no pongs, no messages, as a cloud that hung. */
  goSilent(): void {
    this.silent = true;
    (this.socket as unknown as { _socket?: { pause(): void } })._socket?.pause();
  }

  /**
   * Stops reading from the socket but keeps pinging it: a cloud that hangs on its input while its
   * keepalive goes on, so the app's writes pile up and its watchdog never fires.
   */
  stopReading(): void {
    (this.socket as unknown as { _socket?: { pause(): void } })._socket?.pause();
  }

  /** Set by goSilent(): the cloud no longer pings this socket either. */
  silent = false;

  waitForMessage<T extends TpaToCloudMessage['type']>(
    type: T,
    test: (message: Extract<TpaToCloudMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Extract<TpaToCloudMessage, { type: T }>> {
    const matches = (message: TpaToCloudMessage): boolean => message.type === type && test(message as Extract<TpaToCloudMessage, { type: T }>);
    return waitFor(this.#waiters, this.messages, matches, timeoutMs, `a "${type}" message`) as Promise<Extract<TpaToCloudMessage, { type: T }>>;
  }

  waitForClose(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    return waitFor(this.#closeWaiters, this.closed ? [this.closed] : [], () => true, timeoutMs, 'the socket to close');
  }

  /** Internal: called by the cloud for each parsed message. */
  received(message: TpaToCloudMessage): void {
    this.messages.push(message);
    if (message.type === TpaToCloudMessageType.SUBSCRIPTION_UPDATE) this.subscriptions = subscriptionNames(message.subscriptions);
    notify(this.#waiters, message);
  }

  /** Internal: called by the cloud when the socket closed. */
  ended(code: number, reason: string): void {
    this.closed = { code, reason };
    notify(this.#closeWaiters, this.closed);
  }
}

/**
 * A real cloud peer for tests: a WebSocket server on 127.0.0.1 that speaks the cloud side of the
 * protocol (acks, data streams, settings, closes) and records what apps send.
 *
 * @example
 * ```ts
 * await using cloud = await TestCloud.start({ apiKey: 'key' });
 * const session = new TpaSession({ packageName: 'com.example', apiKey: 'key', augmentOSWebsocketUrl: cloud.url });
 * await session.connect('alice-com.example');
 * const app = await cloud.waitForConnection();
 * app.sendData('phone_notification', {...});
 * ```
 */
export class TestCloud implements AsyncDisposable {
  readonly connections: TestCloudConnection[] = [];
  readonly #server: WebSocketServer;
  readonly #options: TestCloudOptions;
  readonly #waiters = new Set<Waiter<TestCloudConnection>>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #pinger: ReturnType<typeof setInterval> | undefined;

  private constructor(server: WebSocketServer, options: TestCloudOptions) {
    this.#server = server;
    this.#options = options;
    server.on('connection', (socket) => this.#accept(socket));
    if (options.pingIntervalMs) {
      this.#pinger = setInterval(() => {
        for (const connection of this.connections) if (!connection.closed && !connection.silent) connection.socket.ping();
      }, options.pingIntervalMs);
    }
  }

  static async start(options: TestCloudOptions = {}): Promise<TestCloud> {
    const server = new WebSocketServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, path: options.path ?? TPA_WEBSOCKET_PATH });
    await once(server, 'listening');
    return new TestCloud(server, options);
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The socket URL to give a session: `ws://127.0.0.1:<port>/tpa-ws`. */
  get url(): string {
    return `ws://${this.#options.host ?? '127.0.0.1'}:${this.port}${this.#options.path ?? TPA_WEBSOCKET_PATH}`;
  }

  /** Connections whose socket is still open. */
  get openConnections(): TestCloudConnection[] {
    return this.connections.filter((connection) => !connection.closed);
  }

  /** Resolves with the first acked-or-not connection matching `test` (its init received). */
  waitForConnection(test: (connection: TestCloudConnection) => boolean = () => true, timeoutMs = 5_000): Promise<TestCloudConnection> {
    const ready = (connection: TestCloudConnection): boolean => connection.init !== undefined && test(connection);
    return waitFor(this.#waiters, this.connections, ready, timeoutMs, 'an app connection');
  }

  /** Closes every socket and the server. */
  async close(): Promise<void> {
    clearInterval(this.#pinger);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const client of this.#server.clients) client.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #accept(socket: WebSocket): void {
    const connection = new TestCloudConnection(socket);
    this.connections.push(connection);
    socket.on('error', () => undefined);
    socket.on('close', (code, reason) => connection.ended(code, reason.toString()));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const parsed = parseTpaToCloudMessage(data);
      if (!parsed.ok) {
        connection.invalidFrames.push(data.toString());
        return;
      }
      connection.received(parsed.value);
      if (parsed.value.type === TpaToCloudMessageType.CONNECTION_INIT) this.#onInit(connection, parsed.value);
    });
  }

  #onInit(connection: TestCloudConnection, init: ConnectionInit): void {
    connection.init = init;
    if (this.#options.apiKey !== undefined && init.apiKey !== this.#options.apiKey) {
      connection.close(CloseCode.POLICY_VIOLATION, CloseReason.INVALID_API_KEY);
      notify(this.#waiters, connection);
      return;
    }
    const ack = (): void => {
      if (connection.socket.readyState !== connection.socket.OPEN) return;
      connection.send(buildConnectionAck(init.sessionId, this.#options.settings, this.#options.ackExtras));
      this.#options.afterAck?.(connection);
    };
    if (this.#options.ack === false) {
      // A hanging cloud: never acks.
    } else if (this.#options.ackDelayMs) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        ack();
      }, this.#options.ackDelayMs);
      this.#timers.add(timer);
    } else {
      ack();
    }
    notify(this.#waiters, connection);
  }
}
