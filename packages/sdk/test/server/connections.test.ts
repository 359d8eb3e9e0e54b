import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type TpaServerConfig, type TpaSession } from '@tpa/sdk';
import { TestCloud } from '@tpa/sdk/testing';
import { API_KEY, PACKAGE, get, post, sessionRequest } from './helpers.js';
import { RawHttpClient, requestHead } from './raw-http.js';

/**
 * HTTP connections that send nothing, or too little, too slowly: none holds up `stop()`, none
 * lives past the headers and request timeouts, and `maxConnections` caps how many are open.
 */

let cloud: TestCloud;
let server: TpaServer;
let base: string;
const clients: RawHttpClient[] = [];

async function startServer(config: Partial<TpaServerConfig> = {}, app: typeof TpaServer = TpaServer): Promise<void> {
  server = new app({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, ...config });
  base = (await server.start()).url;
}

async function rawClient(): Promise<RawHttpClient> {
  const client = await RawHttpClient.open(base);
  clients.push(client);
  return client;
}

/** `promise`'s outcome if it settles within `ms`, else `'pending'`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  try {
    return await Promise.race([promise, pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** Three clients that never finish a request: a bare connect, half a head, a body that trickles. */
async function stallingClients(): Promise<{ clients: RawHttpClient[]; trickle: ReturnType<typeof setInterval> }> {
  const bare = await rawClient();
  const partialHead = await rawClient();
  await partialHead.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const trickling = await rawClient();
  await trickling.write(requestHead('/webhook', { 'Content-Length': 1_000 }));
  const trickle = setInterval(() => void trickling.write('{'), 50);
  return { clients: [bare, partialHead, trickling], trickle };
}

beforeEach(async () => {
  cloud = await TestCloud.start({ apiKey: API_KEY });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server.stop();
  await cloud.close();
});

describe('stop() and connections that send nothing', () => {
  it('stop() resolves while a bare connection, a partial head and a trickling body are open, well before shutdownTimeoutMs (10 s), and closes them', async () => {
    await startServer();
    const { clients: stalling, trickle } = await stallingClients();
    try {
      expect(await within(server.stop(), 3_000)).toBeUndefined();
      for (const client of stalling) await client.closed();
    } finally {
      clearInterval(trickle);
    }
  });

  it('stop() still answers a webhook whose body has arrived and is being handled', async () => {
    let release: () => void = () => undefined;
    class SlowApp extends TpaServer {
      protected override async onSession(_session: TpaSession): Promise<void> {
        await new Promise<void>((resolve) => (release = resolve));
      }
    }
    await startServer({ webhookResponseTimeoutMs: 5_000 }, SlowApp);
    const answer = post(`${base}/webhook`, sessionRequest('in-flight', cloud.url));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = server.stop();
    release();
    // Its session ends with the server: the answer says so, over the same connection.
    expect((await answer).status).toBe(503);
    await stopping;
  });
});

describe('timeouts for requests that never complete', () => {
  it('a head that never ends is answered 408 and closed after headersTimeoutMs; so is a bare connection', async () => {
    await startServer({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const bare = await rawClient();
    const partialHead = await rawClient();
    await partialHead.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    for (const client of [bare, partialHead]) {
      await client.closed();
      expect(client.received).toMatch(/^HTTP\/1\.1 408/);
    }
  });

  it('a body that trickles in is cut off after requestTimeoutMs', async () => {
    await startServer({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const client = await rawClient();
    await client.write(requestHead('/webhook', { 'Content-Length': 1_000 }));
    const trickle = setInterval(() => void client.write('{'), 50);
    try {
      await client.closed();
      expect(client.received).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(trickle);
    }
  });

  it("by default a head that never ends is closed after 10 s, well before Node's 60 s", async () => {
    await startServer();
    const client = await rawClient();
    await client.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await client.closed(15_000);
    expect(client.received).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);
});

describe('maxConnections', () => {
  it('drops connections past the cap; once one closes, requests are served again', async () => {
    await startServer({ maxConnections: 2 });
    const first = await rawClient();
    await rawClient();
    const third = await rawClient();
    await third.closed();
    expect(third.received).toBe('');
    first.destroy();
    await first.closed();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await get(`${base}/health`)).status).toBe(200);
  });
});
