import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TpaServer, type StopReason, type TpaServerConfig, type TpaSession } from '@tpa/sdk';
import { makeSessionId } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { eventually, liveResources } from '../session/helpers.js';
import { API_KEY, PACKAGE, get, post, sessionRequest, stopRequest } from './helpers.js';

/** A test app that records what happens and can be told to misbehave. */
class RecordingApp extends TpaServer {
  readonly started: string[] = [];
  readonly stopped: Array<[string, StopReason]> = [];
  readonly ended: string[] = [];
  onSessionImpl: (session: TpaSession) => Promise<void> = async () => undefined;

  protected override async onSession(session: TpaSession, sessionId: string): Promise<void> {
    this.started.push(sessionId);
    session.registerCleanup((reason) => this.ended.push(`${sessionId}:${reason.kind}`));
    session.setInterval(() => session.layouts.showTextWall('tick'), 60_000);
    session.events.onPhoneNotifications(() => undefined);
    await this.onSessionImpl(session);
  }

  // Overrides onStop without calling super: the server must clean up anyway.
  protected override async onStop(sessionId: string, _userId: string, reason: StopReason): Promise<void> {
    this.stopped.push([sessionId, reason]);
  }
}

let cloud: TestCloud;
let server: RecordingApp;
let base: string;
let leaks: LeakCheck;

async function startServer(config: Partial<TpaServerConfig> = {}, cloudOptions?: Parameters<typeof TestCloud.start>[0]): Promise<void> {
  cloud = await TestCloud.start({ apiKey: API_KEY, ...cloudOptions });
  server = new RecordingApp({
    packageName: PACKAGE,
    apiKey: API_KEY,
    host: '127.0.0.1',
    port: 0,
    augmentOSWebsocketUrl: cloud.url,
    session: { connectTimeoutMs: 2_000, reconnect: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, deadlineMs: 500 } },
    ...config,
  });
  base = (await server.start()).url;
}

beforeEach(() => {
  leaks = installLeakCheck();
});

afterEach(async () => {
  await server.stop();
  await cloud.close();
  leaks.uninstallAndAssert();
});

describe('routes', () => {
  it('serves health, tpa_config.json, static files and routes the app adds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tpa-public-'));
    await writeFile(join(dir, 'hello.txt'), 'hi');
    await startServer({
      publicDir: dir,
      tpaConfig: { name: 'Test', description: 'A test app', version: '1.0.0', settings: [{ type: 'toggle', key: 'on', label: 'On', defaultValue: true }] },
    });
    server.getExpressApp().get('/custom', (_req, res) => res.json({ custom: true }));
    expect((await get(`${base}/health`)).body).toMatchObject({ status: 'healthy', app: PACKAGE, activeSessions: 0 });
    expect((await get(`${base}/tpa_config.json`)).body).toMatchObject({ name: 'Test', settings: [{ key: 'on' }] });
    expect((await get(`${base}/hello.txt`)).text).toBe('hi');
    // Added after start(): routes still come before the server's own 404.
    expect((await get(`${base}/custom`)).body).toEqual({ custom: true });
    const missing = await get(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 'error', message: 'no route for GET /nope' });
  });
});

describe('the app\'s own routes (W11)', () => {
  it('get parsed JSON bodies and cookies, as the real server gave them; a bad JSON body is a 400 JSON answer', async () => {
    await startServer();
    server.getExpressApp().post('/echo', (req, res) => res.json({ body: req.body as unknown, cookies: req.cookies as unknown }));
    const reply = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'theme=dark' }, body: JSON.stringify({ hello: 'glasses' }) });
    expect(await reply.json()).toEqual({ body: { hello: 'glasses' }, cookies: { theme: 'dark' } });
    const bad = await post(`${base}/echo`, '{oops');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error' });
    // The SDK's own routes still read their raw bodies themselves.
    expect((await post(`${base}/webhook`, sessionRequest('wes', cloud.url))).status).toBe(200);
  });
});

describe('session lifecycle', () => {
  it('session_request -> connected session -> 200; stop_request ends it and calls onStop', async () => {
    await startServer();
    const user = 'bob-jones@example.com';
    const response = await post(`${base}/webhook`, sessionRequest(user, cloud.url));
    expect(response).toMatchObject({ status: 200, body: { status: 'success' } });
    const sessionId = makeSessionId(user, PACKAGE);
    expect(server.started).toEqual([sessionId]);
    expect(server.sessionCount).toBe(1);
    const app = await cloud.waitForConnection();
    await app.waitForMessage('subscription_update');

    const stop = await post(`${base}/webhook`, stopRequest(user));
    expect(stop).toMatchObject({ status: 200, body: { status: 'success', message: 'session stopped' } });
    expect(server.sessionCount).toBe(0);
    expect(server.ended).toEqual([`${sessionId}:stopped_by_user`]);
    expect(server.stopped).toEqual([[sessionId, 'user_disabled']]);
    expect(await app.waitForClose()).toMatchObject({ code: 1000 });
  });

  it('a session the cloud ends leaves the registry, though onStop never calls super', async () => {
    await startServer();
    await post(`${base}/webhook`, sessionRequest('carol', cloud.url));
    (await cloud.waitForConnection()).stopApp();
    await eventually(() => server.sessionCount === 0);
    expect(server.ended).toEqual([`${makeSessionId('carol', PACKAGE)}:stopped_by_user`]);
  });

  it('a session that loses the cloud for good leaves the registry, cleaned up once', async () => {
    await startServer();
    await post(`${base}/webhook`, sessionRequest('dave', cloud.url));
    await cloud.close();
    await eventually(() => server.sessionCount === 0, 3_000);
    expect(server.ended).toEqual([`${makeSessionId('dave', PACKAGE)}:connection_lost`]);
    cloud = await TestCloud.start();
  });

  it('a new session_request for a live id ends the old session completely before the new one starts', async () => {
    await startServer();
    const order: string[] = [];
    server.onSessionImpl = async (session) => {
      order.push(`start ${cloud.connections.length}`);
      // A slow cleanup: its marker is only in place before "start 2" if the end was awaited.
      session.registerCleanup(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        order.push(`end ${cloud.connections.length}`);
      });
    };
    await post(`${base}/webhook`, sessionRequest('erin', cloud.url));
    const first = server.getSession(makeSessionId('erin', PACKAGE));
    await post(`${base}/webhook`, sessionRequest('erin', cloud.url));
    const second = server.getSession(makeSessionId('erin', PACKAGE));
    expect(second).not.toBe(first);
    expect(first?.state).toBe('closed');
    expect(order).toEqual(['start 1', 'end 1', 'start 2']);
    expect(server.sessionCount).toBe(1);
    await eventually(() => cloud.openConnections.length === 1);
  });

  it('a retry of an in-flight session_request shares its outcome: one session, one connection', async () => {
    await startServer({}, { ackDelayMs: 200 });
    const request = sessionRequest('fay', cloud.url);
    const [first, retry] = await Promise.all([post(`${base}/webhook`, request), post(`${base}/webhook`, request)]);
    expect(first).toMatchObject({ status: 200 });
    expect(retry).toMatchObject({ status: 200 });
    expect(server.started).toHaveLength(1);
    expect(cloud.connections).toHaveLength(1);
  });

  it('a stop_request while connecting cancels it: 409 STOPPED for the start, no socket left', async () => {
    // A cloud that never acks: the session is still connecting whenever the stop lands.
    await startServer({}, { ack: false });
    const starting = post(`${base}/webhook`, sessionRequest('gus', cloud.url));
    await cloud.waitForConnection();
    const stop = await post(`${base}/webhook`, stopRequest('gus'));
    expect(stop.status).toBe(200);
    const start = await starting;
    expect(start).toMatchObject({ status: 409, body: { status: 'error', code: 'STOPPED' } });
    await cloud.connections[0]?.waitForClose();
    expect(cloud.openConnections).toHaveLength(0);
    expect(server.sessionCount).toBe(0);
    expect(server.started).toEqual([]);
  });

  it('a failed connect answers 500 JSON and leaves no connection, now or later', async () => {
    await startServer({ apiKey: 'wrong-key' });
    const response = await post(`${base}/webhook`, sessionRequest('hal', cloud.url));
    expect(response).toMatchObject({ status: 500, body: { status: 'error', message: 'Failed to connect', code: 'AUTH_REJECTED' } });
    expect(server.sessionCount).toBe(0);
    await cloud.connections[0]?.waitForClose();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cloud.connections).toHaveLength(1);
    expect(cloud.openConnections).toHaveLength(0);
  });

  it('an onSession that throws ends the session and answers 500 JSON', async () => {
    await startServer();
    server.onSessionImpl = async () => {
      throw new Error('app bug');
    };
    const response = await post(`${base}/webhook`, sessionRequest('ivy', cloud.url));
    expect(response).toMatchObject({ status: 500, body: { status: 'error', code: 'ON_SESSION_FAILED' } });
    expect(response.text).not.toMatch(/at .*\.ts/);
    expect(server.sessionCount).toBe(0);
    expect(server.ended).toEqual([`${makeSessionId('ivy', PACKAGE)}:error`]);
    await cloud.connections[0]?.waitForClose();
  });

  it('answers well before the cloud gives up when onSession is slow; a later failure ends the session cleanly', async () => {
    await startServer({ webhookResponseTimeoutMs: 100 });
    let fail: (error: Error) => void = () => undefined;
    server.onSessionImpl = () => new Promise<void>((_resolve, reject) => (fail = reject));
    const started = Date.now();
    const response = await post(`${base}/webhook`, sessionRequest('jay', cloud.url));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response).toMatchObject({ status: 200, body: { status: 'success' } });
    expect(server.sessionCount).toBe(1);
    fail(new Error('gave up late'));
    await eventually(() => server.sessionCount === 0);
    expect(server.ended).toEqual([`${makeSessionId('jay', PACKAGE)}:error`]);
  });

  it('POST /settings updates every live session of that user', async () => {
    await startServer();
    const changes: unknown[] = [];
    server.onSessionImpl = async (session) => {
      session.events.onSettingChange('mode', (value) => changes.push(value));
    };
    await post(`${base}/webhook`, sessionRequest('kim', cloud.url));
    const response = await post(`${base}/settings`, { userIdForSettings: 'kim', settings: [{ type: 'text', key: 'mode', label: 'Mode', value: 'night' }] });
    expect(response.body).toMatchObject({ status: 'success', sessionsUpdated: 1 });
    expect(changes).toEqual(['night']);
    expect((await post(`${base}/settings`, { settings: [] })).status).toBe(400);
  });
});

describe('stop', () => {
  it('ends every session with server_shutdown, closes HTTP, leaves nothing running, and is idempotent', async () => {
    const before = liveResources();
    await startServer();
    for (const user of ['u1', 'u2', 'u3']) await post(`${base}/webhook`, sessionRequest(user, cloud.url));
    expect(server.sessionCount).toBe(3);
    await Promise.all([server.stop(), server.stop()]);
    expect(server.sessionCount).toBe(0);
    expect(server.ended.map((entry) => entry.split(':')[1])).toEqual(['server_shutdown', 'server_shutdown', 'server_shutdown']);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    for (const connection of cloud.connections) await connection.waitForClose();
    await cloud.close();
    await eventually(() => {
      const now = liveResources();
      return (now.TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0) && (now.Timeout ?? 0) <= (before.Timeout ?? 0) && (now.TCPServerWrap ?? 0) <= (before.TCPServerWrap ?? 0);
    }, 3_000, 'no sockets, servers or timers left');
    cloud = await TestCloud.start();
  });

  it('runs deprecated cleanup handlers on stop, warning once', async () => {
    await startServer();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): number => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const first = vi.fn();
      const second = vi.fn();
      server.addCleanupHandler(first);
      server.addCleanupHandler(second);
      await server.stop();
      expect(first).toHaveBeenCalledOnce();
      expect(second).toHaveBeenCalledOnce();
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'DeprecationWarning')).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('stopOnSignals stops the server on a signal, without exiting', async () => {
    const { stopOnSignals } = await import('@tpa/sdk');
    await startServer();
    stopOnSignals(server, { signals: ['SIGUSR2'] });
    await post(`${base}/webhook`, sessionRequest('lee', cloud.url));
    process.emit('SIGUSR2', 'SIGUSR2');
    await eventually(() => server.sessionCount === 0);
    await server.stop();
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });
});

describe('races the review found', () => {
  it('a stop_request while the old session of the same id is being replaced cancels the new start', async () => {
    await startServer();
    let cleanupStarted = false;
    server.onSessionImpl = async (session) => {
      session.registerCleanup(() => {
        cleanupStarted = true;
        return new Promise((resolve) => setTimeout(resolve, 1_000));
      });
    };
    await post(`${base}/webhook`, sessionRequest('pia', cloud.url));
    const restart = post(`${base}/webhook`, { ...sessionRequest('pia', cloud.url), timestamp: new Date(Date.now() + 1_000).toISOString() });
    // The restart is ending the old session (its slow cleanup runs) when the stop arrives.
    await eventually(() => cleanupStarted);
    // Dated after the restart, as the cloud dates a stop it sends later (an older one is stale).
    const stop = await post(`${base}/webhook`, { ...stopRequest('pia'), timestamp: new Date(Date.now() + 2_000).toISOString() });
    expect(stop.status).toBe(200);
    expect(await restart).toMatchObject({ status: 409, body: { code: 'STOPPED' } });
    expect(server.sessionCount).toBe(0);
    await eventually(() => cloud.openConnections.length === 0);
  });

  it('a newer session_request while an older one is in flight replaces it at once, and wins', async () => {
    await startServer({}, { ackDelayMs: 150 });
    const older = post(`${base}/webhook`, sessionRequest('una', cloud.url));
    await cloud.waitForConnection();
    const newer = post(`${base}/webhook`, { ...sessionRequest('una', cloud.url), timestamp: new Date(Date.now() + 1_000).toISOString() });
    // The older start is cut short (its socket closed before the ack) and answered as replaced.
    expect(await older).toMatchObject({ status: 200, body: { message: 'replaced by a newer session_request for this session' } });
    expect((await newer).status).toBe(200);
    expect(server.started).toHaveLength(1);
    expect(server.sessionCount).toBe(1);
    await eventually(() => cloud.openConnections.length === 1);
  });

  it('a retry of a request that was already answered leaves the running session alone', async () => {
    await startServer();
    const request = sessionRequest('quinn', cloud.url);
    expect((await post(`${base}/webhook`, request)).status).toBe(200);
    const first = server.getSession(makeSessionId('quinn', PACKAGE));
    expect(await post(`${base}/webhook`, request)).toMatchObject({ status: 200, body: { message: 'session already running' } });
    expect(server.getSession(makeSessionId('quinn', PACKAGE))).toBe(first);
    expect(server.started).toHaveLength(1);
    expect(cloud.connections).toHaveLength(1);
  });

  it('stop() during start() settles start() and leaves nothing listening', async () => {
    cloud = await TestCloud.start();
    server = new RecordingApp({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url });
    const starting = server.start();
    await server.stop();
    await expect(starting).rejects.toMatchObject({ code: 'SERVER_STOPPED' });
    expect(server.address).toBeUndefined();
  });

  it('stop() ends sessions together, within its deadline, even when the cloud no longer answers', async () => {
    await startServer({ shutdownTimeoutMs: 3_000, session: { closeTimeoutMs: 500 } });
    for (const user of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']) await post(`${base}/webhook`, sessionRequest(user, cloud.url));
    for (const connection of cloud.connections) connection.goSilent();
    const started = Date.now();
    await server.stop();
    // Six graceful closes one after another would take 3 s; together they take one close timeout.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.sessionCount).toBe(0);
    expect(server.getSessions()).toEqual([]);
  });

  it('a session stopped during onSession is answered as stopped, not as running', async () => {
    await startServer();
    let release: () => void = () => undefined;
    server.onSessionImpl = () => new Promise<void>((resolve) => (release = resolve));
    const starting = post(`${base}/webhook`, sessionRequest('sam', cloud.url));
    await eventually(() => server.started.length === 1);
    await post(`${base}/webhook`, stopRequest('sam'));
    release();
    expect(await starting).toMatchObject({ status: 200, body: { message: 'the session was stopped while it started' } });
    expect(server.sessionCount).toBe(0);
  });
});
