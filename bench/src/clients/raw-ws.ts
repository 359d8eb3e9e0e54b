/**
 * The floor: a bare `ws` client that does only what the protocol requires (send init, wait for
 * the ack, send the subscription, parse each frame and call the handler) plus the minimum an
 * app must do by hand to be correct: clear its own timers, reconnect after an abnormal close,
 * and the heartbeat that the `ws` documentation recommends. No validation, no logging.
 */
import http from 'node:http';
import WebSocket, { type RawData } from 'ws';
import {
  CloseCode,
  CloudToTpaMessageType,
  StreamType,
  WEBHOOK_PATH,
  WebhookRequestType,
  buildConnectionInit,
  buildSubscriptionUpdate,
  isFinalClose,
  webhookError,
  webhookSuccess,
  websocketUrlOf,
  type CloudToTpaMessage,
  type WebhookRequest,
} from '@tpa/sdk/protocol';
import type { BenchClient, BenchClientFactory, BenchSession, ClientSetup, ResourceCounts, TranscriptionHandler, WebhookServer } from './bench-client.js';
import { listenForWebhooks } from './http-listen.js';

class RawSession implements BenchSession {
  private socket: WebSocket | undefined;
  private readonly handlers = new Set<TranscriptionHandler>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly cleanups: (() => void)[] = [];
  private readonly lostListeners: (() => void)[] = [];
  private silenceTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private established = false;
  private ended = false;

  constructor(
    private readonly setup: ClientSetup,
    private readonly websocketUrl: string,
    readonly sessionId: string,
    private readonly onEnded: (session: RawSession) => void,
  ) {}

  get sessionObject(): object {
    return this;
  }

  /** Opens the socket; resolves on the ack, rejects if the socket closes first. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.websocketUrl);
      this.socket = socket;
      socket.on('open', () => {
        const { packageName, apiKey } = this.setup;
        socket.send(JSON.stringify(buildConnectionInit({ packageName, apiKey, sessionId: this.sessionId })));
        this.heardFromCloud();
      });
      socket.on('ping', () => this.heardFromCloud());
      socket.on('message', (data) => this.receive(data, resolve));
      socket.on('error', () => undefined);
      socket.on('close', (code, reason) => {
        this.closed(socket, code, reason.toString());
        reject(new Error(`socket closed before the ack (${code})`));
      });
    });
  }

  onTranscription(handler: TranscriptionHandler): void {
    this.handlers.add(handler);
    if (this.handlers.size === 1) this.sendSubscriptions();
  }

  setTimeout(callback: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, ms);
    this.timers.add(timer);
  }

  registerCleanup(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  onConnectionLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  resourceCounts(): ResourceCounts {
    const socket = this.socket;
    const socketListeners = socket ? socket.eventNames().reduce((sum, name) => sum + socket.listenerCount(name), 0) : 0;
    return {
      listeners: socketListeners + this.handlers.size + this.lostListeners.length,
      cleanups: this.cleanups.length + this.timers.size,
    };
  }

  async disconnect(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.silenceTimer);
    clearTimeout(this.reconnectTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.handlers.clear();
    this.lostListeners.length = 0;
    this.socket?.close(CloseCode.NORMAL);
    this.socket = undefined;
    this.onEnded(this);
  }

  private receive(data: RawData, acked: () => void): void {
    const message = JSON.parse(data.toString()) as CloudToTpaMessage;
    if (message.type === CloudToTpaMessageType.DATA_STREAM) {
      for (const handler of this.handlers) handler(message.data);
    } else if (message.type === CloudToTpaMessageType.CONNECTION_ACK) {
      this.established = true;
      acked();
      if (this.handlers.size > 0) this.sendSubscriptions();
    }
  }

  private sendSubscriptions(): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    const { packageName } = this.setup;
    this.socket.send(JSON.stringify(buildSubscriptionUpdate(packageName, this.sessionId, [StreamType.TRANSCRIPTION])));
  }

  /** The `ws` README's client heartbeat: a socket that hears no ping for too long is dead. */
  private heardFromCloud(): void {
    if (this.setup.tuning.silenceTimeoutMs <= 0) return;
    if (this.silenceTimer) {
      this.silenceTimer.refresh();
      return;
    }
    this.silenceTimer = setTimeout(() => this.socket?.terminate(), this.setup.tuning.silenceTimeoutMs);
  }

  private closed(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
    this.socket = undefined;
    if (this.ended) return;
    for (const listener of this.lostListeners) listener();
    if (!this.established || isFinalClose(code, reason)) {
      void this.disconnect();
      return;
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open().catch(() => undefined);
    }, this.setup.tuning.reconnectDelayMs);
  }
}

class RawClient implements BenchClient {
  private readonly webhookSessions = new Map<string, RawSession>();

  constructor(private readonly setup: ClientSetup) {}

  async connect({ sessionId }: { readonly sessionId: string }): Promise<BenchSession> {
    return this.open(this.setup.websocketUrl, sessionId, () => undefined);
  }

  async startWebhookServer(onSession: (session: BenchSession) => void): Promise<WebhookServer> {
    const server = http.createServer((request, response) => {
      const reply = (status: number, body: object): void => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== WEBHOOK_PATH) return reply(404, webhookError('not found'));
        let webhook: WebhookRequest;
        try {
          webhook = JSON.parse(Buffer.concat(parts).toString('utf8')) as WebhookRequest;
        } catch {
          return reply(400, webhookError('the body is not JSON'));
        }
        this.handleWebhook(webhook, onSession).then(
          () => reply(200, webhookSuccess()),
          () => reply(500, webhookError('Failed to connect')),
        );
      });
    });
    return listenForWebhooks(server, WEBHOOK_PATH);
  }

  private async handleWebhook(webhook: WebhookRequest, onSession: (session: BenchSession) => void): Promise<void> {
    if (webhook.type === WebhookRequestType.STOP_REQUEST) {
      await this.webhookSessions.get(webhook.sessionId)?.disconnect();
      return;
    }
    const url = websocketUrlOf(webhook) ?? this.setup.websocketUrl;
    const session = await this.open(url, webhook.sessionId, (ended) => {
      if (this.webhookSessions.get(ended.sessionId) === ended) this.webhookSessions.delete(ended.sessionId);
    });
    this.webhookSessions.set(webhook.sessionId, session);
    onSession(session);
  }

  private async open(url: string, sessionId: string, onEnded: (session: RawSession) => void): Promise<RawSession> {
    const session = new RawSession(this.setup, url, sessionId, onEnded);
    await session.open();
    return session;
  }
}

export const createClient: BenchClientFactory = (setup) => new RawClient(setup);
