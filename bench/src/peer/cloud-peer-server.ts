import http from 'node:http';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CloseCode,
  CloseReason,
  StreamType,
  TPA_WEBSOCKET_PATH,
  TpaToCloudMessageType,
  buildConnectionAck,
  buildDataStream,
  buildSessionWebhookRequest,
  buildStopWebhookRequest,
  effectiveStreamOf,
  makeSessionId,
  parseLanguageStream,
  parseTpaToCloudMessage,
  subscriptionMatches,
  subscriptionNames,
  type TranscriptionData,
} from '@tpa/sdk/protocol';
import type { RpcImplementation } from '../ipc/rpc.js';
import { ConditionWatch } from './condition-watch.js';
import type { PeerApi, PeerInfo, SessionIdentity, WebhookBatchResult } from './peer-api.js';
import { encodeTextFrame, repeatFrame } from './text-frames.js';
import { WebhookSender } from './webhook-sender.js';

/** Enough for a thousand sockets that all open at once without a dropped SYN (and a 1 s retry). */
const LISTEN_BACKLOG = 4096;

/** What the peer sends in a transcription flood: one realistic utterance. */
const SAMPLE_TRANSCRIPTION: TranscriptionData = {
  text: 'the quick brown fox jumps over the lazy dog',
  isFinal: false,
  transcribeLanguage: 'en-US',
  startTime: 1_000,
  endTime: 2_400,
  speakerId: 'speaker-1',
};
const TRANSCRIPTION_EVENT_STREAM = effectiveStreamOf(StreamType.TRANSCRIPTION, SAMPLE_TRANSCRIPTION);

/** One client socket and what the peer knows about it. */
class PeerConnection {
  sessionId: string | undefined;
  acked = false;
  subscriptions: readonly string[] = [];
  subscriptionUpdates = 0;
  silent = false;
  flood: Buffer[] = [];

  constructor(
    readonly socket: WebSocket,
    readonly tcp: Socket,
  ) {}

  /** The subscription under which this app receives a transcription, if any. */
  transcriptionSubscription(): string | undefined {
    return this.subscriptions.find((subscription) => subscriptionMatches(subscription, TRANSCRIPTION_EVENT_STREAM));
  }

  isListening(): boolean {
    return this.acked && this.transcriptionSubscription() !== undefined;
  }
}

export interface CloudPeerOptions {
  readonly packageName: string;
  readonly pingIntervalMs: number;
}

/**
 * The cloud side of the benchmark: accepts `/tpa-ws` sockets, acks `tpa_connection_init`,
 * records subscriptions, pings, and on command floods, drops or ignores a session's socket and
 * sends `session_request` / `stop_request` webhooks.
 */
export class CloudPeerServer {
  private readonly http = http.createServer((_request, response) => response.writeHead(404).end());
  private readonly wss = new WebSocketServer({ server: this.http, path: TPA_WEBSOCKET_PATH });
  private readonly connections = new Set<PeerConnection>();
  private readonly bySession = new Map<string, PeerConnection>();
  private readonly watch = new ConditionWatch();
  private readonly webhooks = new WebhookSender();
  private pingTimer: NodeJS.Timeout | undefined;
  private nextUser = 1;
  private info: PeerInfo | undefined;

  constructor(private readonly options: CloudPeerOptions) {
    this.wss.on('connection', (socket, request) => this.accept(socket, request.socket));
  }

  async listen(): Promise<PeerInfo> {
    this.http.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG });
    await once(this.http, 'listening');
    const address = this.http.address();
    if (address === null || typeof address === 'string') throw new Error('the peer has no TCP address');
    this.pingTimer = setInterval(() => this.pingAll(), this.options.pingIntervalMs);
    this.info = { websocketUrl: `ws://127.0.0.1:${address.port}${TPA_WEBSOCKET_PATH}`, pingIntervalMs: this.options.pingIntervalMs };
    return this.info;
  }

  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    this.dropAll();
    this.webhooks.close();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** The RPC methods the runner (and, through it, client workers) call. */
  api(): RpcImplementation<PeerApi> {
    return {
      info: () => {
        if (!this.info) throw new Error('the peer is not listening yet');
        return this.info;
      },
      newSessions: ({ count }) => this.newSessions(count),
      reset: () => this.dropAll(),
      awaitSessionsClosed: async ({ sessionIds, timeoutMs }) => {
        const closing = new Set(sessionIds);
        const stillOpen = (): number => [...this.connections].filter((connection) => connection.sessionId !== undefined && closing.has(connection.sessionId)).length;
        await this.watch.until(() => stillOpen() === 0, timeoutMs, () => `the sockets of ${closing.size} sessions to close (${stillOpen()} still open)`);
        return null;
      },
      awaitListening: async ({ sessionIds, timeoutMs }) => {
        const listening = (): number => sessionIds.filter((id) => this.bySession.get(id)?.isListening()).length;
        await this.watch.until(() => listening() === sessionIds.length, timeoutMs, () => `${sessionIds.length} sessions subscribed to transcription (have ${listening()})`);
        return null;
      },
      sendSessionWebhooks: ({ url, sessions }) => this.sendSessionWebhooks(url, sessions),
      stopSessions: ({ url, sessions, timeoutMs }) => this.stopSessions(url, sessions, timeoutMs),
      prepareFlood: ({ sessionId, count }) => this.prepareFlood(sessionId, count),
      flood: async ({ sessionId }) => {
        await this.flood(sessionId);
        return null;
      },
      dropConnection: async ({ sessionId, timeoutMs }) => {
        await this.dropConnection(sessionId, timeoutMs);
        return null;
      },
      goSilent: ({ sessionId }) => {
        const connection = this.connectionOf(sessionId);
        connection.silent = true;
        connection.tcp.pause();
        return null;
      },
    };
  }

  private newSessions(count: number): SessionIdentity[] {
    return Array.from({ length: count }, () => {
      const userId = `user-${this.nextUser++}@bench.example`;
      return { userId, sessionId: makeSessionId(userId, this.options.packageName) };
    });
  }

  private accept(socket: WebSocket, tcp: Socket): void {
    const connection = new PeerConnection(socket, tcp);
    this.connections.add(connection);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(connection, data);
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.connections.delete(connection);
      if (connection.sessionId !== undefined && this.bySession.get(connection.sessionId) === connection) {
        this.bySession.delete(connection.sessionId);
      }
      this.watch.changed();
    });
    this.watch.changed();
  }

  private receive(connection: PeerConnection, data: RawData): void {
    const parsed = parseTpaToCloudMessage(data);
    if (!parsed.ok) return;
    const message = parsed.value;
    if (message.type === TpaToCloudMessageType.CONNECTION_INIT) {
      connection.sessionId = message.sessionId;
      connection.acked = true;
      this.bySession.set(message.sessionId, connection);
      connection.socket.send(JSON.stringify(buildConnectionAck(message.sessionId)));
    } else if (message.type === TpaToCloudMessageType.SUBSCRIPTION_UPDATE) {
      connection.subscriptions = subscriptionNames(message.subscriptions);
      connection.subscriptionUpdates++;
    } else {
      return;
    }
    this.watch.changed();
  }

  private connectionOf(sessionId: string): PeerConnection {
    const connection = this.bySession.get(sessionId);
    if (!connection) throw new Error(`no open socket for session ${sessionId}`);
    return connection;
  }

  private pingAll(): void {
    for (const connection of this.connections) {
      if (!connection.silent) connection.socket.ping();
    }
  }

  private dropAll(): void {
    for (const connection of this.connections) connection.socket.terminate();
    this.connections.clear();
    this.bySession.clear();
    this.watch.changed();
  }

  private sendSessionWebhooks(url: string, sessions: readonly SessionIdentity[]): Promise<WebhookBatchResult> {
    const websocketUrl = this.info?.websocketUrl ?? '';
    const bodies = sessions.map(({ sessionId, userId }) => buildSessionWebhookRequest({ sessionId, userId, websocketUrl }));
    return this.webhooks.postAll(url, bodies, 60_000);
  }

  private async stopSessions(url: string | null, sessions: readonly SessionIdentity[], timeoutMs: number): Promise<WebhookBatchResult> {
    const stopping = sessions.flatMap(({ sessionId }) => {
      const connection = this.bySession.get(sessionId);
      return connection ? [connection] : [];
    });
    for (const connection of stopping) connection.socket.close(CloseCode.NORMAL, CloseReason.APP_STOPPED);
    const bodies = sessions.map(({ sessionId, userId }) => buildStopWebhookRequest({ sessionId, userId, reason: 'user_disabled' }));
    const result: WebhookBatchResult = url ? await this.webhooks.postAll(url, bodies, timeoutMs) : { succeeded: 0, failed: 0, firstFailure: null };
    const stillOpen = (): number => stopping.filter((connection) => this.connections.has(connection)).length;
    await this.watch.until(() => stillOpen() === 0, timeoutMs, () => `${stopping.length} stopped sockets to close (${stillOpen()} still open)`);
    return result;
  }

  private prepareFlood(sessionId: string, count: number): { bytes: number; streamType: string } {
    const connection = this.connectionOf(sessionId);
    const subscription = connection.transcriptionSubscription();
    if (subscription === undefined) throw new Error(`session ${sessionId} is not subscribed to transcription`);
    // The later dialect only delivers an event whose streamType is the key it subscribed with.
    const streamType = parseLanguageStream(subscription) ? subscription : StreamType.TRANSCRIPTION;
    const frame = encodeTextFrame(Buffer.from(JSON.stringify(buildDataStream(sessionId, streamType, SAMPLE_TRANSCRIPTION))));
    connection.flood = repeatFrame(frame, count);
    return { bytes: frame.byteLength * count, streamType };
  }

  private async flood(sessionId: string): Promise<void> {
    const connection = this.connectionOf(sessionId);
    const chunks = connection.flood;
    connection.flood = [];
    for (const chunk of chunks) {
      if (!connection.tcp.write(chunk)) await once(connection.tcp, 'drain');
    }
  }

  private async dropConnection(sessionId: string, timeoutMs: number): Promise<void> {
    const dropped = this.connectionOf(sessionId);
    const wasSubscribed = dropped.subscriptionUpdates > 0;
    dropped.socket.terminate();
    const isBack = (): boolean => {
      const current = this.bySession.get(sessionId);
      return current !== undefined && current !== dropped && current.acked && (!wasSubscribed || current.subscriptionUpdates > 0);
    };
    await this.watch.until(isBack, timeoutMs, () => `session ${sessionId} to reconnect and subscribe again`);
  }
}
