import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { layouts, makeSessionId } from '@tpa/sdk/protocol';
import type { DevCloud, DevCloudOptions } from '../src/index.js';
import { AppSocket } from './helpers/fake-tpa.js';
import { ALICE, captureLogger, NOTES, NOTES_KEY, notification, useFixtures } from './helpers/fixtures.js';

const SESSION = makeSessionId(ALICE, NOTES);

describe('app sockets', () => {
  const use = useFixtures();

  /** A dev cloud with a started session whose socket the test drives by hand. */
  async function connectedApp(options: DevCloudOptions = {}): Promise<{ cloud: DevCloud; socket: AppSocket }> {
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY });
    const cloud = await use.cloud({ apps: [tpa.registration], ...options });
    await cloud.startApp(ALICE, NOTES);
    return { cloud, socket: tpa.latestSocket() };
  }

  /** Proves the socket still works: a subscription takes effect and an event arrives. */
  async function stillServed(cloud: DevCloud, socket: AppSocket): Promise<void> {
    socket.subscribe(NOTES, SESSION, ['phone_notification']);
    await cloud.waitForSession((s) => s.subscriptions.includes('phone_notification'));
    cloud.sendEvent(ALICE, 'phone_notification', notification('still here'));
    await socket.waitForMessage('data_stream', (message) => message.data['title'] === 'still here');
    expect(socket.isOpen).toBe(true);
  }

  /** What happens to an upgrade on `path`: `opened`, or the error the client saw. */
  async function upgradeOutcome(cloud: DevCloud, path: string): Promise<string> {
    return new Promise<string>((resolve) => {
      const ws = new WebSocket(`${cloud.websocketUrl.replace(/\/[a-z-]+$/, '')}${path}`);
      ws.on('error', (error) => resolve(error.message));
      ws.on('open', () => {
        ws.close();
        resolve('opened');
      });
    });
  }

  it('serves apps on /app-ws only in the later dialect, and drops other upgrades without an answer', async () => {
    const cloud = await use.cloud();
    expect(cloud.websocketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/app-ws$/);
    expect(await upgradeOutcome(cloud, '/app-ws?client=test')).toBe('opened');
    for (const path of ['/tpa-ws', '/glasses-ws', '/']) expect(await upgradeOutcome(cloud, path)).toMatch(/socket hang up/);
  });

  it('serves apps on exactly /tpa-ws in the spring dialect (a query string too is refused)', async () => {
    const cloud = await use.cloud({ dialect: 'spring' });
    expect(cloud.websocketUrl).toMatch(/\/tpa-ws$/);
    expect(await upgradeOutcome(cloud, '/tpa-ws')).toBe('opened');
    for (const path of ['/app-ws', '/tpa-ws?client=test', '/glasses-ws']) expect(await upgradeOutcome(cloud, path)).toMatch(/socket hang up/);
  });

  describe('in the spring dialect, a bad message gets a connection_error and the socket stays open', () => {
    const spring: DevCloudOptions = { dialect: 'spring' };

    it('answers bad JSON with the generic "Error processing message"', async () => {
      const { cloud, socket } = await connectedApp(spring);
      socket.sendRaw('{"type": "subscription_update", ');
      const error = await socket.waitForMessage('connection_error');
      expect(error).toEqual({ type: 'connection_error', message: 'Error processing message', timestamp: expect.any(String) });
      await stillServed(cloud, socket);
    });

    it('answers an invalid message with a connection_error that says where', async () => {
      const { cloud, socket } = await connectedApp(spring);
      socket.send({ type: 'display_event', packageName: NOTES, view: 'main', layout: { layoutType: 'text_wall' } });
      const error = await socket.waitForMessage('connection_error');
      expect(error.message).toMatch(/layout\.text/);
      await stillServed(cloud, socket);
    });

    it('answers an oversized frame with a connection_error', async () => {
      const { cloud, socket } = await connectedApp({ ...spring, maxMessageBytes: 2048 });
      socket.display(NOTES, layouts.textWall('x'.repeat(4096)));
      const error = await socket.waitForMessage('connection_error');
      expect(error.message).toMatch(/over the limit of 2048 bytes/);
      await stillServed(cloud, socket);
    });

    it('refuses an update with invalid subscriptions as a whole, with the generic message, and logs which', async () => {
      const { logger, lines } = captureLogger();
      const { cloud, socket } = await connectedApp({ ...spring, logger });
      socket.subscribe(NOTES, SESSION, ['phone_notification', 'transcription:english', 'telepathy']);
      const error = await socket.waitForMessage('connection_error');
      expect(error.message).toBe('Error processing message');
      expect(cloud.listSessions()[0]?.subscriptions).toEqual([]);
      expect(lines.map((line) => line.message)).toContainEqual(expect.stringContaining('"transcription:english", "telepathy"'));
      await stillServed(cloud, socket);
    });

    it('asks for tpa_connection_init before anything else', async () => {
      const cloud = await use.cloud(spring);
      const socket = await use.socket(cloud.websocketUrl);
      socket.subscribe(NOTES, SESSION, ['phone_notification']);
      expect((await socket.waitForMessage('connection_error')).message).toMatch(/send tpa_connection_init before subscription_update/);
      expect(socket.isOpen).toBe(true);
    });
  });

  it('ignores binary frames, unknown types and later-dialect types with a log line, without an error', async () => {
    const { logger, lines } = captureLogger();
    const { cloud, socket } = await connectedApp({ logger });
    socket.sendRaw(Buffer.from([1, 2, 3]), true);
    socket.send({ type: 'telepathy_request', packageName: NOTES });
    socket.send({ type: 'photo_request', packageName: NOTES, requestId: 'p1' });
    await stillServed(cloud, socket);
    expect(socket.messages.filter((message) => message.type === 'connection_error')).toEqual([]);
    const messages = lines.map((line) => line.message);
    expect(messages).toContain('ignored a binary frame from an app');
    expect(lines).toContainEqual(expect.objectContaining({ message: 'ignored an app message of unknown type', fields: expect.objectContaining({ type: 'telepathy_request' }) }));
    expect(lines).toContainEqual(expect.objectContaining({ fields: expect.objectContaining({ type: 'photo_request' }) }));
  });

  it('closes a socket that never identifies itself', async () => {
    const cloud = await use.cloud({ initTimeoutMs: 100 });
    const socket = await use.socket(cloud.websocketUrl);
    expect(await socket.closed).toEqual({ code: 1008, reason: 'No active session' });
  });

  it('pings on its interval and keeps a socket that answers', async () => {
    const { socket } = await connectedApp({ pingIntervalMs: 40, silenceTimeoutMs: 1_000 });
    // Longer than the silence timeout: only its pongs keep it open (the margin absorbs a stalled loop).
    await sleep(2_500);
    expect(socket.pingCount.value).toBeGreaterThanOrEqual(3);
    expect(socket.isOpen).toBe(true);
  });

  it('terminates a socket that stays silent past the timeout, and the session waits for a reconnect', async () => {
    const { logger, lines } = captureLogger();
    const tpa = await use.tpa({ packageName: NOTES, apiKey: NOTES_KEY, behaviours: ['hang'] });
    const cloud = await use.cloud({ apps: [tpa.registration], pingIntervalMs: 40, silenceTimeoutMs: 150, logger });
    const starting = cloud.startApp(ALICE, NOTES);
    await cloud.waitForSession({ state: 'starting' });
    const silent = new WebSocket(cloud.websocketUrl, { autoPong: false });
    const socket = new AppSocket(silent);
    await new Promise((resolve) => silent.once('open', resolve));
    socket.init(NOTES, SESSION, NOTES_KEY);
    await starting;

    expect((await socket.closed).code).toBe(1006);
    expect(lines.map((line) => line.message)).toContain('terminating a silent app socket');
    await expect(cloud.waitForSession((s) => s.connectedAt === null)).resolves.toMatchObject({ state: 'active' });
  });
});
