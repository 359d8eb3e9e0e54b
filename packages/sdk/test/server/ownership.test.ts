import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopOnSignals, TpaServer, type TpaServerConfig, type TpaSession } from '@tpa/sdk';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { eventually } from '../session/helpers.js';
import { API_KEY, PACKAGE, post, sessionRequest, stopRequest } from './helpers.js';

class App extends TpaServer {
  onSessionImpl: (session: TpaSession) => void = () => undefined;
  protected override async onSession(session: TpaSession): Promise<void> {
    this.onSessionImpl(session);
  }
}

let cloud: TestCloud | undefined;
let server: App | undefined;
let leaks: LeakCheck;

async function start(config: Partial<TpaServerConfig> = {}, cloudOptions: Parameters<typeof TestCloud.start>[0] = {}): Promise<{ server: App; cloud: TestCloud; base: string }> {
  cloud = await TestCloud.start({ apiKey: API_KEY, ...cloudOptions });
  server = new App({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, ...config });
  const base = (await server.start()).url;
  return { server, cloud, base };
}

beforeEach(() => {
  leaks = installLeakCheck();
});

afterEach(async () => {
  await server?.stop();
  await cloud?.close();
  server = undefined;
  cloud = undefined;
  leaks.uninstallAndAssert();
});

describe('the server owns its sessions until they have fully closed', () => {
  it('stop() waits for a session the cloud already ended whose cleanup is still running', async () => {
    const { server, cloud, base } = await start();
    let cleanedUp = false;
    server.onSessionImpl = (session) =>
      session.registerCleanup(async () => {
        await delay(500);
        cleanedUp = true;
      });
    expect((await post(`${base}/webhook`, sessionRequest('ada', cloud.url))).status).toBe(200);
    const session = server.getSessions()[0]!;
    (await cloud.waitForConnection()).stopApp();
    await eventually(() => session.state === 'closing', 2_000, 'the session to start ending');
    await server.stop();
    expect(cleanedUp).toBe(true);
    expect(session.state).toBe('closed');
  });

  it('a stop_request cancels a restart queued behind a slow start: nothing runs after the user stopped the app', async () => {
    const { server, cloud, base } = await start({}, { ackDelayMs: 300 });
    const first = post(`${base}/webhook`, { ...sessionRequest('bo', cloud.url), timestamp: '2026-12-01T10:00:01.000Z' });
    await cloud.waitForConnection();
    const second = post(`${base}/webhook`, { ...sessionRequest('bo', cloud.url), timestamp: '2026-12-01T10:00:02.000Z' });
    await delay(20);
    const stop = await post(`${base}/webhook`, stopRequest('bo'));
    expect(stop.status).toBe(200);
    await Promise.all([first, second]);
    // Past every ack the cloud would still send: nothing may connect or stay connected now.
    await delay(700);
    expect(server.sessionCount).toBe(0);
    expect(cloud.openConnections).toHaveLength(0);
    expect(server.getSessions()).toEqual([]);
  });

  it('a session that ends leaves the server, and nothing of it is kept', async () => {
    const { server, cloud, base } = await start();
    for (let round = 0; round < 3; round++) {
      expect((await post(`${base}/webhook`, sessionRequest('cy', cloud.url))).status).toBe(200);
      expect((await post(`${base}/webhook`, stopRequest('cy'))).status).toBe(200);
    }
    expect(server.sessionCount).toBe(0);
    expect(cloud.openConnections).toHaveLength(0);
  });
});

describe('stopOnSignals', () => {
  it('removes its signal listeners when the server stops by other means', async () => {
    const { server } = await start();
    const before = process.listenerCount('SIGTERM');
    stopOnSignals(server, { signals: ['SIGTERM'] });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    await server.stop();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
