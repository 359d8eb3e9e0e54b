import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type TpaServerConfig, type TpaSession } from '@tpa/sdk';
import { buildSessionWebhookRequest, buildStopWebhookRequest, makeSessionId, signWebhook, SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { expectJsonError, get, post, type HttpResult } from './support/http.js';
import { eventually } from './support/waiting.js';

/**
 * Bad input to a TPA server beyond what the SDK's own tests send: every one is answered with a 4xx
 * JSON message and leaves no stray session, connection or settings change behind.
 */

const PACKAGE = 'com.example.reliability';
const API_KEY = 'reliability-secret-api-key';
const SECRET = 'webhook-signing-secret';
const LIVE_USER = 'kim@example.com';
/** For bodies built before the cloud starts, which are refused before any URL is used. */
const UNUSED_URL = 'ws://127.0.0.1:1/tpa-ws';

/** Records how each session ended and every settings change it saw. */
class ProbeApp extends TpaServer {
  readonly ended: string[] = [];
  settingsUpdates = 0;

  protected override async onSession(session: TpaSession, sessionId: string): Promise<void> {
    session.registerCleanup((reason) => this.ended.push(`${sessionId}:${reason.kind}`));
    session.events.onSettingsUpdate(() => this.settingsUpdates++);
  }
}

let leaks: LeakCheck;
let cloud: TestCloud;
let server: ProbeApp;
let base: string;

async function startServer(config: Partial<TpaServerConfig> = {}): Promise<void> {
  server = new ProbeApp({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, ...config });
  base = (await server.start()).url;
}

function sessionRequest(user: string, websocketUrl?: string): ReturnType<typeof buildSessionWebhookRequest> {
  return buildSessionWebhookRequest({ sessionId: makeSessionId(user, PACKAGE), userId: user, websocketUrl: websocketUrl ?? cloud.url });
}

/** Signs `body` the way the dev cloud does, so that only the listed mistake makes it bad. */
function signed(body: string, secret = SECRET): Record<string, string> {
  return signWebhook(secret, body);
}

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start({ apiKey: API_KEY });
});

afterEach(async () => {
  await server.stop();
  await cloud.close();
  leaks.uninstallAndAssert();
});

/** Nothing changed: the one live session is still there, with no new socket and no settings applied. */
function expectNothingChanged(): void {
  expect(server.sessionCount).toBe(1);
  expect(cloud.connections).toHaveLength(1);
  expect(cloud.openConnections).toHaveLength(1);
  expect(server.settingsUpdates).toBe(0);
  expect(server.ended).toEqual([]);
}

const deepArray = `${'['.repeat(40_000)}${']'.repeat(40_000)}`;
const notUtf8 = Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x7d]);

describe('bad bodies on POST /settings', () => {
  const toggle = { type: 'toggle', key: 'sound', label: 'Sound', defaultValue: true };
  const cases: ReadonlyArray<[name: string, body: string | Buffer, status: number, message: RegExp]> = [
    ['invalid JSON', '{"userIdForSettings":', 400, /not valid JSON/],
    ['null', 'null', 400, /settings request/],
    ['an array', JSON.stringify([{ userIdForSettings: LIVE_USER, settings: [] }]), 400, /settings request/],
    ['an empty body', '', 400, /not valid JSON/],
    ['a string', '"settings"', 400, /settings request/],
    ['a webhook instead', JSON.stringify(sessionRequest(LIVE_USER, UNUSED_URL)), 400, /userIdForSettings/],
    ['no userIdForSettings', JSON.stringify({ settings: [toggle] }), 400, /userIdForSettings/],
    ['an empty userIdForSettings', JSON.stringify({ userIdForSettings: '', settings: [toggle] }), 400, /userIdForSettings/],
    ['a numeric userIdForSettings', JSON.stringify({ userIdForSettings: 42, settings: [toggle] }), 400, /userIdForSettings/],
    ['settings that are not a list', JSON.stringify({ userIdForSettings: LIVE_USER, settings: { sound: true } }), 400, /settings/],
    ['a setting with no key', JSON.stringify({ userIdForSettings: LIVE_USER, settings: [{ ...toggle, key: undefined }] }), 400, /settings/],
    ['a toggle with a text default', JSON.stringify({ userIdForSettings: LIVE_USER, settings: [{ ...toggle, defaultValue: 'yes' }] }), 400, /settings/],
    ['bytes that are not UTF-8', notUtf8, 400, /not valid UTF-8/],
    ['a deeply nested body', deepArray, 400, /./],
    ['a huge body', JSON.stringify({ userIdForSettings: LIVE_USER, settings: [], padding: 'x'.repeat(200 * 1024) }), 413, /over the limit/],
  ];

  it.each(cases)('%s', async (_name, body, status, message) => {
    await startServer();
    expect((await post(`${base}/webhook`, sessionRequest(LIVE_USER))).status).toBe(200);
    expectJsonError(await post(`${base}/settings`, body), status, message);
    expectNothingChanged();
  });
});

describe('bad webhooks the SDK tests do not send', () => {
  const valid = sessionRequest('nobody', UNUSED_URL);
  const cases: ReadonlyArray<[name: string, send: () => Promise<HttpResult>, status: number, message: RegExp]> = [
    ['a type named like an Object property', () => post(`${base}/webhook`, { ...valid, type: '__proto__' }), 400, /unknown webhook type/],
    ['a type named constructor', () => post(`${base}/webhook`, { ...valid, type: 'constructor' }), 400, /unknown webhook type/],
    ['an empty sessionId', () => post(`${base}/webhook`, { ...valid, sessionId: '' }), 400, /sessionId/],
    ['a socket URL that is not a URL', () => post(`${base}/webhook`, { ...valid, augmentOSWebsocketUrl: 'not a url' }), 400, /augmentOSWebsocketUrl/],
    ['a timestamp that is not a date', () => post(`${base}/webhook`, { ...valid, timestamp: 'yesterday' }), 400, /timestamp/],
    ['a stop_request with no sessionId', () => post(`${base}/webhook`, { ...buildStopWebhookRequest({ sessionId: 'x', userId: 'x', reason: 'user_disabled' }), sessionId: undefined }), 400, /sessionId/],
    ['bytes that are not UTF-8', () => post(`${base}/webhook`, notUtf8), 400, /not valid UTF-8/],
    ['a byte-order mark before the JSON', () => post(`${base}/webhook`, `\uFEFF${JSON.stringify(valid)}`), 400, /not valid JSON/],
    ['a deeply nested body', () => post(`${base}/webhook`, deepArray), 400, /./],
    ['a gzip body that is not gzip', () => post(`${base}/webhook`, JSON.stringify(valid), { 'content-encoding': 'gzip' }), 400, /./],
    ['a content encoding nobody knows', () => post(`${base}/webhook`, gzipSync(JSON.stringify(valid)), { 'content-encoding': 'x-squash' }), 415, /content encoding/],
    ['a GET instead of a POST', () => get(`${base}/webhook`), 404, /no route for GET \/webhook/],
  ];

  it.each(cases)('%s', async (_name, send, status, message) => {
    await startServer();
    expect((await post(`${base}/webhook`, sessionRequest(LIVE_USER))).status).toBe(200);
    expectJsonError(await send(), status, message);
    expectNothingChanged();
  });

  it('leaves Object.prototype alone whatever the body holds', async () => {
    await startServer();
    const body = `{"type":"session_request","sessionId":"p-${PACKAGE}","userId":"p","timestamp":"${new Date().toISOString()}","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`;
    await post(`${base}/webhook`, body);
    await post(`${base}/settings`, `{"userIdForSettings":"p","settings":[],"__proto__":{"polluted":true}}`);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('the API key never reaches an untrusted socket URL', () => {
  let trap: Server;
  let trapPort: number;
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();

  beforeEach(async () => {
    received.length = 0;
    trap = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('close', () => sockets.delete(socket));
    });
    trap.listen(0, '127.0.0.1');
    await once(trap, 'listening');
    trapPort = (trap.address() as { port: number }).port;
  });

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => trap.close(resolve));
  });

  // URLs that look like the configured cloud, or hide a loopback address, all pointing at the trap.
  const tricks: ReadonlyArray<[name: string, url: (port: number) => string]> = [
    ['loopback, with the cloud not on loopback', (port) => `ws://127.0.0.1:${port}/tpa-ws`],
    ['the cloud host as user info', (port) => `wss://prod.augmentos.cloud@127.0.0.1:${port}/tpa-ws`],
    ['the cloud host in the fragment', (port) => `ws://127.0.0.1:${port}/tpa-ws#@prod.augmentos.cloud`],
    ['the cloud URL in the query', (port) => `ws://127.0.0.1:${port}/tpa-ws?next=wss://prod.augmentos.cloud/tpa-ws`],
    ['loopback as a decimal number', (port) => `ws://2130706433:${port}/tpa-ws`],
    ['loopback by name', (port) => `ws://localhost:${port}/tpa-ws`],
    ['the cloud host as a subdomain', (port) => `ws://prod.augmentos.cloud.localhost:${port}/tpa-ws`],
    ['the cloud host over plain ws', () => 'ws://prod.augmentos.cloud/tpa-ws'],
    ['http instead of ws', (port) => `http://127.0.0.1:${port}/tpa-ws`],
  ];

  it.each(tricks)('%s', async (_name, url) => {
    await startServer({ augmentOSWebsocketUrl: 'wss://prod.augmentos.cloud/tpa-ws' });
    const request = sessionRequest('mallory-target', url(trapPort));
    // The URL as every real cloud names it, and under the later SDK's field name alone.
    const { augmentOSWebsocketUrl: named, ...rest } = request;
    for (const body of [request, { ...rest, mentraOSWebsocketUrl: named }, { ...request, mentraOSWebsocketUrl: named }]) {
      const response = await post(`${base}/webhook`, body);
      expectJsonError(response, 403, /untrusted socket URL/);
      expect(response.text).not.toContain(API_KEY);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sockets.size + received.length).toBe(0);
    expect(Buffer.concat(received).toString()).not.toContain(API_KEY);
    expect(server.sessionCount).toBe(0);
  });
});

describe('signatures, when a secret is set', () => {
  const now = (): number => Date.now();
  const hex64 = 'a'.repeat(64);
  type Headers = (body: string) => Record<string, string>;
  const cases: ReadonlyArray<[name: string, headers: Headers, message: RegExp]> = [
    ['no signature headers', () => ({}), /required/],
    ['a timestamp but no signature', (body) => ({ [SIGNATURE_TIMESTAMP_HEADER]: signed(body)[SIGNATURE_TIMESTAMP_HEADER] ?? '' }), /required/],
    ['a signature but no timestamp', (body) => ({ [SIGNATURE_HEADER]: signed(body)[SIGNATURE_HEADER] ?? '' }), /required/],
    ['a signature that is not hex', (body) => ({ ...signed(body), [SIGNATURE_HEADER]: 'v1=zz' }), /malformed/],
    ['a signature of another scheme', (body) => ({ ...signed(body), [SIGNATURE_HEADER]: `v2=${hex64}` }), /malformed/],
    ['a timestamp that is not a number', (body) => ({ ...signed(body), [SIGNATURE_TIMESTAMP_HEADER]: 'soon' }), /malformed/],
    ['a timestamp far in the future', (body) => signWebhook(SECRET, body, now() + 60 * 60_000), /replay window/],
    ['a signature made with another secret', (body) => signed(body, 'guessed-secret'), /does not match/],
    ['a signature of another body', (body) => signed(body.replace('"}', ' "}')), /does not match/],
  ];

  it.each(cases)('%s: 401 on /webhook and /settings, nothing started or applied', async (_name, headers, message) => {
    await startServer({ webhookSecret: SECRET });
    const live = JSON.stringify(sessionRequest(LIVE_USER));
    expect((await post(`${base}/webhook`, live, signed(live))).status).toBe(200);
    const webhook = JSON.stringify(sessionRequest('forger'));
    expectJsonError(await post(`${base}/webhook`, webhook, headers(webhook)), 401, message);
    const settings = JSON.stringify({ userIdForSettings: LIVE_USER, settings: [{ type: 'text', key: 'k', label: 'K', value: 'forged' }] });
    expectJsonError(await post(`${base}/settings`, settings, headers(settings)), 401, message);
    expectNothingChanged();
    // The same requests, signed properly, go through.
    expect((await post(`${base}/settings`, settings, signed(settings))).body).toMatchObject({ status: 'success', sessionsUpdated: 1 });
  });
});

describe('a thousand concurrent webhooks for one id', () => {
  it('for an id that is already live: the old session is replaced once, and the retries of it start nothing more', async () => {
    await startServer();
    expect((await post(`${base}/webhook`, sessionRequest(LIVE_USER))).status).toBe(200);
    const request = sessionRequest(LIVE_USER);
    const responses = await Promise.all(Array.from({ length: 1_000 }, () => post(`${base}/webhook`, request)));
    expect(new Set(responses.map((response) => response.status))).toEqual(new Set([200]));
    // One request, many copies: those in flight with the first share its start, later ones find it running.
    expect(server.ended).toEqual([`${makeSessionId(LIVE_USER, PACKAGE)}:replaced`]);
    expect(server.sessionCount).toBe(1);
    expect(cloud.connections).toHaveLength(2);
    await eventually(() => cloud.openConnections.length === 1, 'one open socket at the cloud');
  }, 20_000);

  it('mixing session and stop requests: every answer is JSON, and the server and the cloud agree at the end', async () => {
    await startServer();
    const start = sessionRequest(LIVE_USER);
    const stop = buildStopWebhookRequest({ sessionId: start.sessionId, userId: LIVE_USER, reason: 'user_disabled' });
    const responses = await Promise.all(Array.from({ length: 1_000 }, (_, index) => post(`${base}/webhook`, index % 3 === 0 ? stop : start)));
    for (const response of responses) {
      expect(response.contentType).toMatch(/application\/json/);
      // A start overtaken by a stop is refused (409) or fails to connect (500), with a code; nothing else may fail.
      if (response.status !== 200) {
        expect([409, 500], response.text).toContain(response.status);
        expect(response.body).toMatchObject({ status: 'error', code: expect.any(String) });
      }
    }
    expect(server.sessionCount).toBeLessThanOrEqual(1);
    await eventually(() => cloud.openConnections.length === server.sessionCount, `${server.sessionCount} open socket(s) at the cloud`);
    expect(server.ended.every((entry) => /:(stopped_by_user|replaced|connect_failed)$/.test(entry))).toBe(true);
  }, 20_000);
});
