import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type SessionEndReason, type StopReason, type TpaSession } from '@tpa/sdk';
import { installLeakCheck, TestCloud, type LeakCheck, type TestCloudConnection } from '@tpa/sdk/testing';
import { eventually } from '../session/helpers.js';
import { API_KEY, PACKAGE, post, sessionRequest, stopRequest } from './helpers.js';

/** Records each onStop and each ending. */
class App extends TpaServer {
  readonly stops: StopReason[] = [];
  readonly endings: SessionEndReason['kind'][] = [];
  protected override async onSession(session: TpaSession): Promise<void> {
    session.registerCleanup((reason) => this.endings.push(reason.kind));
  }
  protected override async onStop(_sessionId: string, _userId: string, reason: StopReason): Promise<void> {
    this.stops.push(reason);
  }
}

let cloud: TestCloud;
let server: App;
let base: string;
let leaks: LeakCheck;

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start({ apiKey: API_KEY });
  server = new App({
    packageName: PACKAGE,
    apiKey: API_KEY,
    host: '127.0.0.1',
    port: 0,
    augmentOSWebsocketUrl: cloud.url,
    session: { reconnect: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, deadlineMs: 1_000 } },
  });
  base = (await server.start()).url;
});

afterEach(async () => {
  await server.stop();
  await cloud.close();
  leaks.uninstallAndAssert();
});

async function started(user: string): Promise<TestCloudConnection> {
  expect((await post(`${base}/webhook`, sessionRequest(user, cloud.url))).status).toBe(200);
  return cloud.waitForConnection((connection) => connection.init?.sessionId.startsWith(user) ?? false);
}

/** Waits past any reconnect the session might wrongly make, then checks the cloud saw none. */
async function noReconnect(connections: number): Promise<void> {
  await delay(150);
  expect(cloud.connections).toHaveLength(connections);
}

// Each ending as the real cloud sends it (PROTOCOL.md §11).
const ENDINGS: Array<[string, (app: TestCloudConnection) => void, SessionEndReason['kind'], StopReason]> = [
  // W4, later cloud: app_stopped with no reason, then close(1000, 'App stopped') (AppManager.ts L611-618 at c1f57fc3).
  ['later: app_stopped without a reason, then 1000 "App stopped"', (app) => {
    app.send({ type: 'app_stopped', timestamp: new Date().toISOString() });
    app.close(1000, 'App stopped');
  }, 'stopped_by_user', 'user_disabled'],
  // W4: the close alone is enough, whichever arrives.
  ['later: 1000 "App stopped" alone', (app) => app.close(1000, 'App stopped'), 'stopped_by_user', 'user_disabled'],
  // W9, spring: no stop_request at all, only close(1000, 'App stopped by user') (websocket.service.ts L973 at 75f9793f).
  ['spring: 1000 "App stopped by user" alone', (app) => app.close(1000, 'App stopped by user'), 'stopped_by_user', 'user_disabled'],
  // W5, spring: the user's whole session ended (session.service.ts L342 at 75f9793f).
  ['spring: 1001 "User session ended"', (app) => app.close(1001, 'User session ended'), 'cloud_closed', 'system_stop'],
  // W4, later: the user's whole session ended (AppManager.ts L1133-1140 at c1f57fc3).
  ['later: 1000 "User session ended"', (app) => app.close(1000, 'User session ended'), 'cloud_closed', 'system_stop'],
  ['later: app_stopped first, then 1000 "User session ended"', (app) => {
    app.send({ type: 'app_stopped', timestamp: new Date().toISOString() });
    app.close(1000, 'User session ended');
  }, 'cloud_closed', 'system_stop'],
  ['later: app_stopped with no close after it', (app) => app.send({ type: 'app_stopped', timestamp: new Date().toISOString() }), 'stopped_by_user', 'user_disabled'],
];

describe('the cloud stops a session, as the real cloud does it', () => {
  it.each(ENDINGS)('%s: the session ends once, with no reconnect, and onStop runs once', async (_name, end, kind, stopReason) => {
    const app = await started('kit');
    end(app);
    await eventually(() => server.stops.length === 1, 2_000, 'onStop');
    expect(server.endings).toEqual([kind]);
    expect(server.stops).toEqual([stopReason]);
    expect(server.sessionCount).toBe(0);
    // The stop_request the later cloud may still send afterwards finds nothing to stop.
    expect(await post(`${base}/webhook`, stopRequest('kit'))).toMatchObject({ status: 200, body: { message: 'no such session; nothing to stop' } });
    await noReconnect(1);
    expect(server.stops).toHaveLength(1);
  });

  it('a stop_request first, then the close: onStop once, with the webhook reason', async () => {
    const app = await started('lou');
    expect(await post(`${base}/webhook`, stopRequest('lou'))).toMatchObject({ status: 200, body: { message: 'session stopped' } });
    app.close(1000, 'App stopped');
    await noReconnect(1);
    expect(server.stops).toEqual(['user_disabled']);
    expect(server.endings).toEqual(['stopped_by_user']);
  });

  it('a plain 1001 (a cloud going away) is a loss to reconnect from, not a stop', async () => {
    const app = await started('max');
    app.close(1001, 'Server restarting');
    await eventually(() => cloud.connections.length === 2 && server.getSessions()[0]?.state === 'connected', 2_000, 'the reconnect');
    expect(server.stops).toEqual([]);
  });

  it('the app ending a session itself calls no onStop', async () => {
    await started('ned');
    await server.getSessions()[0]!.disconnect();
    await noReconnect(1);
    expect(server.stops).toEqual([]);
    expect(server.endings).toEqual(['disconnected']);
  });
});
