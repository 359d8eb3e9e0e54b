import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { TpaServer, type TpaServerConfig } from '@tpa/sdk';
import { TestCloud } from '@tpa/sdk/testing';
import { API_KEY, PACKAGE, post, sessionRequest } from './helpers.js';
import { RawHttpClient, requestHead } from './raw-http.js';

/**
 * A body over `maxBodyBytes` is refused as soon as the server can tell: at once when its declared
 * length is over, at the limit when it has none; either way the connection is closed.
 */

let cloud: TestCloud;
let server: TpaServer;
let base: string;
const clients: RawHttpClient[] = [];

async function startServer(config: Partial<TpaServerConfig> = {}): Promise<void> {
  server = new TpaServer({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, maxBodyBytes: 16 * 1024, ...config });
  base = (await server.start()).url;
}

async function rawClient(): Promise<RawHttpClient> {
  const client = await RawHttpClient.open(base);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  cloud = await TestCloud.start({ apiKey: API_KEY });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server.stop();
  await cloud.close();
});

describe.each(['/webhook', '/settings'])('POST %s with a body over maxBodyBytes', (path) => {
  it('a declared Content-Length over the limit is answered 413 before any of the body is sent, and the connection closes', async () => {
    await startServer();
    const client = await rawClient();
    await client.write(requestHead(path, { 'Content-Length': 50_000_000_000 }));
    const response = await client.response();
    expect(response.status).toBe(413);
    expect(response.headers['connection']).toBe('close');
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'error', message: expect.stringMatching(/over the limit of 16384 bytes/) });
    await client.closed();
    expect(server.sessionCount).toBe(0);
  });

  it('a chunked body that never ends is answered 413 at the limit, and the connection closes while the client is still sending', async () => {
    await startServer();
    const client = await rawClient();
    await client.write(requestHead(path, { 'Transfer-Encoding': 'chunked' }));
    const chunk = Buffer.concat([Buffer.from('4000\r\n'), Buffer.alloc(0x4000, 0x20), Buffer.from('\r\n')]);
    // Keep sending until the server answers or closes: a body with no end.
    const sending = (async () => {
      let sent = 0;
      while (client.writable && client.received === '' && sent < 10_000) {
        await client.write(chunk);
        sent++;
      }
    })();
    const response = await client.response();
    expect(response.status).toBe(413);
    expect(response.headers['connection']).toBe('close');
    expect(JSON.parse(response.body)).toMatchObject({ status: 'error', message: expect.stringMatching(/over the limit/) });
    await client.closed();
    await sending;
    expect(server.sessionCount).toBe(0);
  });

  it('a gzip body that decodes to more than the limit is refused with 413 too', async () => {
    await startServer();
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const response = await post(`${base}${path}`, bomb, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ status: 'error', message: expect.stringMatching(/over the limit/) });
  });
});

describe('bodies within the limit', () => {
  it('a body within the limit, sent in pieces with no declared length, is read in full; the server keeps working', async () => {
    await startServer();
    const body = JSON.stringify(sessionRequest('piecemeal', cloud.url));
    const client = await rawClient();
    await client.write(requestHead('/webhook', { 'Transfer-Encoding': 'chunked' }));
    for (let at = 0; at < body.length; at += 40) {
      const piece = body.slice(at, at + 40);
      await client.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
    }
    await client.write('0\r\n\r\n');
    const response = await client.response();
    expect(response.status).toBe(200);
    expect(server.sessionCount).toBe(1);
  });

  it('a gzip body within the limit once decoded is decoded and handled', async () => {
    await startServer();
    const body = JSON.stringify(sessionRequest('zipped', cloud.url));
    const response = await post(`${base}/webhook`, gzipSync(body), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(server.sessionCount).toBe(1);
  });
});
