import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type StopReason, type TpaServerConfig, type TpaSession } from '@tpa/sdk';
import { makeSessionId } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { eventually } from '../session/helpers.js';
import { API_KEY, PACKAGE, post, sessionRequest, stopRequest } from './helpers.js';

/**
 * The cloud gives up on a webhook after 10 s and retries it, which may start a second session;
 * the answer comes within `webhookResponseTimeoutMs` of its arrival, connect time included.
 */

class App extends TpaServer {
  readonly started: string[] = [];
  readonly endings: string[] = [];
  readonly stops: StopReason[] = [];
  protected override async onSession(session: TpaSession, sessionId: string): Promise<void> {
    this.started.push(sessionId);
    session.registerCleanup((reason) => this.endings.push(reason.kind));
  }
  protected override async onStop(_sessionId: string, _userId: string, reason: StopReason): Promise<void> {
    this.stops.push(reason);
  }
}

let cloud: TestCloud | undefined;
let server: App | undefined;
let leaks: LeakCheck;

async function start(cloudOptions: Parameters<typeof TestCloud.start>[0], config: Partial<TpaServerConfig> = {}): Promise<{ base: string; cloudUrl: string }> {
  cloud = await TestCloud.start({ apiKey: API_KEY, ...cloudOptions });
  server = new App({
    packageName: PACKAGE,
    apiKey: API_KEY,
    host: '127.0.0.1',
    port: 0,
    augmentOSWebsocketUrl: cloud.url,
    webhookResponseTimeoutMs: 300,
    session: { connectTimeoutMs: 2_500 },
    ...config,
  });
  return { base: (await server.start()).url, cloudUrl: cloud.url };
}

beforeEach(() => {
  leaks = installLeakCheck();
});

afterEach(async () => {
  await server?.stop();
  await cloud?.close();
  leaks.uninstallAndAssert();
});

describe('connecting counts against webhookResponseTimeoutMs', () => {
  it('a cloud that never acks: answered 200 while the session is still connecting; the failed connect then ends it cleanly', async () => {
    const { base, cloudUrl } = await start({ ack: false });
    const response = await post(`${base}/webhook`, sessionRequest('hung', cloudUrl));
    expect(response).toMatchObject({ status: 200, body: { status: 'success', message: expect.stringMatching(/still connecting/) } });
    const session = server?.getSession(makeSessionId('hung', PACKAGE));
    expect(session?.state).toBe('connecting');
    await eventually(() => server?.sessionCount === 0, 5_000, 'the failed connect to end the session');
    expect(session?.endReason?.kind).toBe('connect_failed');
    expect(server?.started).toEqual([]);
    expect(server?.stops).toEqual([]);
    await eventually(() => cloud?.openConnections.length === 0, 2_000, 'the socket to close at the cloud');
  });

  it('a slow ack: answered 200 before the ack; the session then connects and onSession runs', async () => {
    const { base, cloudUrl } = await start({ ackDelayMs: 1_000 });
    const request = sessionRequest('slow', cloudUrl);
    const response = await post(`${base}/webhook`, request);
    expect(response).toMatchObject({ status: 200, body: { status: 'success' } });
    const session = server?.getSession(makeSessionId('slow', PACKAGE));
    expect(session?.state).toBe('connecting');
    await eventually(() => session?.state === 'connected', 5_000, 'the session to connect');
    await eventually(() => server?.started.length === 1, 1_000, 'onSession');
    // The cloud's retry of the answered request finds it running: no second session.
    expect((await post(`${base}/webhook`, request)).body).toMatchObject({ status: 'success', message: 'session already running' });
    expect(cloud?.connections).toHaveLength(1);
  });

  it('a stop_request for a session answered while connecting cancels the connect; onStop runs once it has closed', async () => {
    const { base, cloudUrl } = await start({ ack: false });
    expect((await post(`${base}/webhook`, sessionRequest('cancelled', cloudUrl))).status).toBe(200);
    expect((await post(`${base}/webhook`, stopRequest('cancelled'))).status).toBe(200);
    await eventually(() => server?.stops.length === 1, 2_000, 'onStop');
    expect(server?.sessionCount).toBe(0);
    expect(server?.started).toEqual([]);
  });
});
