import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import {
  buildConnectionInit,
  buildDisplayEvent,
  buildSubscriptionUpdate,
  parseCloudToTpaMessage,
  parseWebhookRequest,
  websocketUrlOf,
  type CloudToTpaMessage,
  type Layout,
  type TpaConfig,
  type WebhookRequest,
} from '@tpa/sdk/protocol';

/** A webhook as the fake TPA received it. */
export interface ReceivedWebhook {
  readonly request: WebhookRequest;
  readonly rawBody: string;
  readonly headers: IncomingMessage['headers'];
}

/** How the fake TPA answers one session_request attempt. */
export type WebhookBehaviour =
  /** Connect, wait for the ack, subscribe, answer 200. */
  | 'connect'
  /** Answer with this status at once, without connecting. */
  | { readonly status: number }
  /** Never answer (the cloud's timeout must fire). */
  | 'hang'
  /** Connect and answer 200, but only after the cloud's timeout. */
  | { readonly connectAfterMs: number };

export interface FakeTpaOptions {
  readonly packageName: string;
  readonly apiKey: string;
  /** Sent as a subscription_update right after the ack. */
  readonly subscriptions?: readonly string[];
  /** The answer to the n-th session_request (0-based); the last entry repeats. Default `['connect']`. */
  readonly behaviours?: readonly WebhookBehaviour[];
  /** Served at `/tpa_config.json` when given; otherwise that route is a 404. */
  readonly tpaConfig?: TpaConfig;
}

/** Waits until `check` finds a value; `check` may throw to give up early. */
function waitFor<T>(check: () => T | undefined, subscribe: (wake: () => void) => () => void, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const settle = (): boolean => {
      try {
        const value = check();
        if (value === undefined) return false;
        resolve(value);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
      return true;
    };
    if (settle()) return;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = subscribe(() => {
      if (!settle()) return;
      clearTimeout(timer);
      unsubscribe();
    });
  });
}

/** One app socket, driven by hand: raw frames in, parsed cloud messages out. */
export class AppSocket {
  readonly ws: WebSocket;
  readonly messages: CloudToTpaMessage[] = [];
  readonly rawFrames: string[] = [];
  readonly pingCount = { value: 0 };
  /** Resolves with the close code and reason once the socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly wakers = new Set<() => void>();
  private hasClosed = false;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = (data as Buffer).toString('utf8');
      this.rawFrames.push(text);
      const parsed = parseCloudToTpaMessage(text);
      if (parsed.ok) this.messages.push(parsed.value);
      for (const wake of [...this.wakers]) wake();
    });
    ws.on('ping', () => {
      this.pingCount.value += 1;
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.hasClosed = true;
        resolve({ code, reason: reason.toString('utf8') });
        for (const wake of [...this.wakers]) wake();
      }),
    );
  }

  /** Opens a socket to `url`; resolves once it is open. */
  static open(url: string): Promise<AppSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new AppSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  init(packageName: string, sessionId: string, apiKey: string): void {
    this.send(buildConnectionInit({ packageName, sessionId, apiKey }));
  }

  subscribe(packageName: string, sessionId: string, subscriptions: readonly string[]): void {
    this.send(buildSubscriptionUpdate(packageName, sessionId, subscriptions));
  }

  display(packageName: string, layout: Layout, options: { view?: 'main' | 'dashboard'; durationMs?: number; forceDisplay?: boolean } = {}): void {
    this.send(buildDisplayEvent({ packageName, sessionId: '', view: options.view ?? 'main', layout, durationMs: options.durationMs, forceDisplay: options.forceDisplay }));
  }

  /** The first message of `type` (after `skip` of them) that satisfies `predicate`. */
  waitForMessage<T extends CloudToTpaMessage['type']>(
    type: T,
    predicate: (message: Extract<CloudToTpaMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Extract<CloudToTpaMessage, { type: T }>> {
    const check = (): Extract<CloudToTpaMessage, { type: T }> | undefined => {
      const found = this.messages.find(
        (message): message is Extract<CloudToTpaMessage, { type: T }> => message.type === type && predicate(message as Extract<CloudToTpaMessage, { type: T }>),
      );
      if (found === undefined && this.hasClosed) throw new Error(`the socket closed before a ${type} message came`);
      return found;
    };
    return waitFor(check, (wake) => {
      this.wakers.add(wake);
      return () => this.wakers.delete(wake);
    }, timeoutMs, `a ${type} message`);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/**
 * A tiny TPA written with raw `ws` and a real HTTP webhook receiver on 127.0.0.1: it answers
 * session_request webhooks as told by its behaviours and records everything it gets.
 */
export class FakeTpa {
  readonly packageName: string;
  readonly apiKey: string;
  readonly webhooks: ReceivedWebhook[] = [];
  readonly sockets: AppSocket[] = [];
  /** The bodies of `POST /settings`, as received. */
  readonly settingsPosts: unknown[] = [];
  /** What happened, in order: `session_request`, `stop_request`, `settings`, `socket 0 closed 1000`, ... */
  readonly events: string[] = [];
  private readonly server: Server;
  private readonly options: FakeTpaOptions;
  private readonly wakers = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sessionRequests = 0;

  private constructor(server: Server, options: FakeTpaOptions) {
    this.server = server;
    this.options = options;
    this.packageName = options.packageName;
    this.apiKey = options.apiKey;
  }

  static async start(options: FakeTpaOptions): Promise<FakeTpa> {
    const server = createServer();
    const tpa = new FakeTpa(server, options);
    // A cloud that goes away while the TPA connects (the end of a test) fails the webhook, not the test run.
    server.on('request', (req, res) => void tpa.onRequest(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return tpa;
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
  }

  /** What to register with the dev cloud. */
  get registration(): { packageName: string; name: string; webhookUrl: string; apiKey: string } {
    return { packageName: this.packageName, name: `Fake ${this.packageName}`, webhookUrl: this.webhookUrl, apiKey: this.apiKey };
  }

  latestSocket(): AppSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error(`${this.packageName} has no socket yet`);
    return socket;
  }

  waitForWebhook(type: WebhookRequest['type'], count = 1, timeoutMs = 3000): Promise<ReceivedWebhook[]> {
    const check = (): ReceivedWebhook[] | undefined => {
      const matching = this.webhooks.filter((webhook) => webhook.request.type === type);
      return matching.length >= count ? matching : undefined;
    };
    return waitFor(check, (wake) => {
      this.wakers.add(wake);
      return () => this.wakers.delete(wake);
    }, timeoutMs, `${count} ${type} webhook(s)`);
  }

  waitForSettingsPost(count = 1, timeoutMs = 3000): Promise<unknown[]> {
    return waitFor(() => (this.settingsPosts.length >= count ? this.settingsPosts : undefined), (wake) => {
      this.wakers.add(wake);
      return () => this.wakers.delete(wake);
    }, timeoutMs, `${count} POST /settings`);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all(this.sockets.map((socket) => socket.close()));
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/tpa_config.json' && this.options.tpaConfig) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.options.tpaConfig));
      return;
    }
    if (req.method === 'POST' && req.url === '/settings') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.settingsPosts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      this.events.push('settings');
      for (const wake of [...this.wakers]) wake();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","message":"ok","sessionsUpdated":1}');
      return;
    }
    if (req.method !== 'POST' || req.url !== '/webhook') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"error","message":"not found"}');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const parsed = parseWebhookRequest(rawBody);
    if (!parsed.ok) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', message: parsed.error.message }));
      return;
    }
    this.webhooks.push({ request: parsed.value, rawBody, headers: req.headers });
    this.events.push(parsed.value.type);
    for (const wake of [...this.wakers]) wake();
    const request = parsed.value;
    if (request.type === 'stop_request') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
      return;
    }
    const behaviours = this.options.behaviours ?? ['connect'];
    const behaviour = behaviours[Math.min(this.sessionRequests, behaviours.length - 1)] ?? 'connect';
    this.sessionRequests += 1;
    if (behaviour === 'hang') return;
    if (typeof behaviour === 'object' && 'status' in behaviour) {
      res.writeHead(behaviour.status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', message: 'told to fail' }));
      return;
    }
    if (typeof behaviour === 'object') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, behaviour.connectAfterMs);
        this.timers.add(timer);
      });
    }
    const connected = await this.connect(websocketUrlOf(request) ?? '', request.sessionId);
    const status = connected ? 200 : 500;
    if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: connected ? 'success' : 'error' }));
  }

  private async connect(url: string, sessionId: string): Promise<boolean> {
    const socket = await AppSocket.open(url);
    const index = this.sockets.push(socket) - 1;
    void socket.closed.then(({ code }) => this.events.push(`socket ${index} closed ${code}`));
    socket.init(this.packageName, sessionId, this.apiKey);
    const acked = await Promise.race([
      socket.waitForMessage('tpa_connection_ack').then(() => true, () => false),
      socket.closed.then(() => false),
    ]);
    if (acked && this.options.subscriptions) socket.subscribe(this.packageName, sessionId, this.options.subscriptions);
    return acked;
  }
}
