import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type StopReason, type TpaServerConfig, type TpaSession } from '@tpa/sdk';
import { makeSessionId, signWebhook } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { eventually } from '../session/helpers.js';
import { API_KEY, PACKAGE, post, sessionRequest, stopRequest } from './helpers.js';

/**
 * A webhook captured on the way and sent again: with a secret, the same signature is only taken
 * once; without one, a request older than the live session's own is stale and changes nothing.
 */

const SECRET = 'replay-test-secret';

class App extends TpaServer {
  readonly endings: string[] = [];
  readonly stops: StopReason[] = [];
  settingsUpdates = 0;
  protected override async onSession(session: TpaSession): Promise<void> {
    session.registerCleanup((reason) => this.endings.push(reason.kind));
    session.events.onSettingsUpdate(() => this.settingsUpdates++);
  }
  protected override async onStop(_sessionId: string, _userId: string, reason: StopReason): Promise<void> {
    this.stops.push(reason);
  }
}

let cloud: TestCloud;
let server: App;
let base: string;
let leaks: LeakCheck;

async function startServer(config: Partial<TpaServerConfig> = {}): Promise<void> {
  server = new App({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, ...config });
  base = (await server.start()).url;
}

/** A request as sent and as captured: its exact bytes and headers. */
function signedNow(body: unknown, now = Date.now()): { body: string; headers: Record<string, string> } {
  const text = JSON.stringify(body);
  return { body: text, headers: signWebhook(SECRET, text, now) };
}

const secondsAgo = (seconds: number): string => new Date(Date.now() - seconds * 1_000).toISOString();

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start({ apiKey: API_KEY });
});

afterEach(async () => {
  await server.stop();
  await cloud.close();
  leaks.uninstallAndAssert();
});

describe('signed webhooks are taken once', () => {
  it('a replayed session_request is refused with 401 and starts nothing, even after the session it started was stopped', async () => {
    await startServer({ webhookSecret: SECRET });
    const captured = signedNow(sessionRequest('replayed', cloud.url));
    expect((await post(`${base}/webhook`, captured.body, captured.headers)).status).toBe(200);
    const replay = await post(`${base}/webhook`, captured.body, captured.headers);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ status: 'error', message: expect.stringMatching(/already used/) });
    const stop = signedNow(stopRequest('replayed'));
    expect((await post(`${base}/webhook`, stop.body, stop.headers)).status).toBe(200);
    expect(server.sessionCount).toBe(0);
    // The user stopped the app; the attacker sends the captured start again.
    expect((await post(`${base}/webhook`, captured.body, captured.headers)).status).toBe(401);
    expect(server.sessionCount).toBe(0);
    expect(cloud.connections).toHaveLength(1);
  });

  it('a replayed stop_request is refused with 401 and leaves the restarted session running', async () => {
    await startServer({ webhookSecret: SECRET });
    const first = signedNow(sessionRequest('restarted', cloud.url));
    expect((await post(`${base}/webhook`, first.body, first.headers)).status).toBe(200);
    const stop = signedNow(stopRequest('restarted'));
    expect((await post(`${base}/webhook`, stop.body, stop.headers)).status).toBe(200);
    const again = signedNow(sessionRequest('restarted', cloud.url));
    expect((await post(`${base}/webhook`, again.body, again.headers)).status).toBe(200);
    const replay = await post(`${base}/webhook`, stop.body, stop.headers);
    expect(replay).toMatchObject({ status: 401, body: { status: 'error', message: expect.stringMatching(/already used/) } });
    expect(server.sessionCount).toBe(1);
    expect(server.stops).toEqual(['user_disabled']);
  });

  it('a replayed POST /settings is refused with 401 and applied once', async () => {
    await startServer({ webhookSecret: SECRET });
    const start = signedNow(sessionRequest('tuned', cloud.url));
    expect((await post(`${base}/webhook`, start.body, start.headers)).status).toBe(200);
    const settings = signedNow({ userIdForSettings: 'tuned', settings: [{ type: 'text', key: 'mode', label: 'Mode', value: 'night' }] });
    expect((await post(`${base}/settings`, settings.body, settings.headers)).status).toBe(200);
    expect((await post(`${base}/settings`, settings.body, settings.headers)).status).toBe(401);
    expect(server.settingsUpdates).toBe(1);
  });

  it('a signature from a clock 20 s ahead is taken; one 4 minutes ahead is refused with 401', async () => {
    await startServer({ webhookSecret: SECRET });
    const skewed = signedNow(sessionRequest('skewed', cloud.url), Date.now() + 20_000);
    expect((await post(`${base}/webhook`, skewed.body, skewed.headers)).status).toBe(200);
    const ahead = signedNow(sessionRequest('ahead', cloud.url), Date.now() + 4 * 60_000);
    const refused = await post(`${base}/webhook`, ahead.body, ahead.headers);
    expect(refused).toMatchObject({ status: 401, body: { status: 'error', message: expect.stringMatching(/ahead of this server's clock/) } });
    expect(server.sessionCount).toBe(1);
  });

  it('the same body signed again (a new signature) is a new request, as a cloud retry is', async () => {
    await startServer({ webhookSecret: SECRET });
    const request = sessionRequest('retried', cloud.url);
    const first = signedNow(request, Date.now() - 2_000);
    expect((await post(`${base}/webhook`, first.body, first.headers)).status).toBe(200);
    const retry = signedNow(request);
    expect((await post(`${base}/webhook`, retry.body, retry.headers)).body).toMatchObject({ status: 'success', message: 'session already running' });
    expect(cloud.connections).toHaveLength(1);
  });
});

describe('without signatures, a request older than the live session is stale', () => {
  it('a stop_request older than the live session_request is refused with 409 STALE_REQUEST and ends nothing', async () => {
    await startServer();
    expect((await post(`${base}/webhook`, sessionRequest('newer', cloud.url))).status).toBe(200);
    const stale = await post(`${base}/webhook`, { ...stopRequest('newer'), timestamp: secondsAgo(60) });
    expect(stale).toMatchObject({ status: 409, body: { status: 'error', code: 'STALE_REQUEST', message: expect.stringMatching(/stale stop_request/) } });
    expect(server.sessionCount).toBe(1);
    expect(server.endings).toEqual([]);
    expect(server.stops).toEqual([]);
    expect(cloud.openConnections).toHaveLength(1);
    // A current stop_request still stops it.
    expect((await post(`${base}/webhook`, stopRequest('newer'))).status).toBe(200);
    await eventually(() => server.stops.length === 1);
    expect(server.sessionCount).toBe(0);
  });

  it('a replayed session_request older than the live one is refused with 409 STALE_REQUEST and does not replace it', async () => {
    await startServer();
    const old = { ...sessionRequest('kept', cloud.url), timestamp: secondsAgo(120) };
    expect((await post(`${base}/webhook`, old)).status).toBe(200);
    expect((await post(`${base}/webhook`, sessionRequest('kept', cloud.url))).status).toBe(200);
    expect(server.endings).toEqual(['replaced']);
    const replay = await post(`${base}/webhook`, old);
    expect(replay).toMatchObject({ status: 409, body: { status: 'error', code: 'STALE_REQUEST', message: expect.stringMatching(/stale session_request/) } });
    expect(server.endings).toEqual(['replaced']);
    expect(cloud.connections).toHaveLength(2);
    expect(cloud.openConnections).toHaveLength(1);
    expect(server.getSession(makeSessionId('kept', PACKAGE))?.state).toBe('connected');
  });

  it('timestamps in either wire form compare: epoch milliseconds against ISO text', async () => {
    await startServer();
    expect((await post(`${base}/webhook`, sessionRequest('mixed', cloud.url))).status).toBe(200);
    const stale = await post(`${base}/webhook`, { ...stopRequest('mixed'), timestamp: Date.now() - 60_000 });
    expect(stale.status).toBe(409);
    expect(server.sessionCount).toBe(1);
  });
});
