import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type TpaServerConfig } from '@tpa/sdk';
import { makeSessionId, signWebhook } from '@tpa/sdk/protocol';
import { TestCloud } from '@tpa/sdk/testing';
import { API_KEY, PACKAGE, post, sessionRequest } from './helpers.js';

let cloud: TestCloud;
let server: TpaServer;
let base: string;

async function startServer(config: Partial<TpaServerConfig> = {}): Promise<void> {
  server = new TpaServer({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, ...config });
  base = (await server.start()).url;
}

beforeEach(async () => {
  cloud = await TestCloud.start({ apiKey: API_KEY });
});

afterEach(async () => {
  await server.stop();
  await cloud.close();
});

describe('bad webhook input gets a 4xx JSON message, never a session', () => {
  const valid = { type: 'session_request', sessionId: `a-${PACKAGE}`, userId: 'a', timestamp: new Date().toISOString() };
  const cases: Array<[string, string, number, RegExp]> = [
    ['invalid JSON', '{"type":', 400, /not valid JSON/],
    ['null', 'null', 400, /must be a JSON object, got null/],
    ['an array', '[1,2]', 400, /got an array/],
    ['an empty body', '', 400, /not valid JSON/],
    ['a string', '"hello"', 400, /got a string/],
    ['an unknown type', '{"type":"session_started"}', 400, /unknown webhook type "session_started"/],
    ['no type', '{"sessionId":"x"}', 400, /no string "type"/],
    ['a missing userId', JSON.stringify({ ...valid, userId: undefined }), 400, /userId/],
    ['a mistyped sessionId', JSON.stringify({ ...valid, sessionId: 42 }), 400, /sessionId/],
    ['a bad stop reason', JSON.stringify({ ...valid, type: 'stop_request', reason: 'bored' }), 400, /reason/],
    ['a huge body', JSON.stringify({ ...valid, padding: 'x'.repeat(200 * 1024) }), 413, /over the limit/],
  ];

  it.each(cases)('%s', async (_name, body, status, message) => {
    await startServer();
    const response = await post(`${base}/webhook`, body);
    expect(response.status).toBe(status);
    expect(response.contentType).toMatch(/application\/json/);
    expect(response.body.status).toBe('error');
    expect(String(response.body.message)).toMatch(message);
    expect(response.text).not.toMatch(/<html|\s+at\s/i);
    expect(server.sessionCount).toBe(0);
    expect(cloud.connections).toHaveLength(0);
  });

  it('keeps working after bad input', async () => {
    await startServer();
    await post(`${base}/webhook`, '{oops');
    expect((await post(`${base}/webhook`, sessionRequest('after', cloud.url))).status).toBe(200);
  });
});

describe('the API key only goes to trusted socket URLs', () => {
  it('refuses a session_request naming a socket URL it does not trust, with 403 and no connection', async () => {
    await startServer({ augmentOSWebsocketUrl: 'wss://prod.augmentos.cloud/tpa-ws' });
    const response = await post(`${base}/webhook`, sessionRequest('mallory-target', cloud.url));
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/untrusted socket URL/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cloud.connections).toHaveLength(0);
  });

  it('refuses the later dialect field name too, and non-ws URLs', async () => {
    await startServer({ augmentOSWebsocketUrl: 'wss://prod.augmentos.cloud/tpa-ws' });
    const request = { type: 'session_request', sessionId: `x-${PACKAGE}`, userId: 'x', timestamp: new Date().toISOString(), mentraOSWebsocketUrl: cloud.url };
    expect((await post(`${base}/webhook`, request)).status).toBe(403);
    expect((await post(`${base}/webhook`, { ...request, mentraOSWebsocketUrl: 'http://127.0.0.1:1/tpa-ws' })).status).toBe(403);
    expect(cloud.connections).toHaveLength(0);
  });

  it('refuses plain ws to a host it trusts only over wss: 403 before any socket, so the cloud listening there never sees the key', async () => {
    // The cloud listens on plain ws; the server trusts its host and port only over TLS.
    await startServer({ augmentOSWebsocketUrl: 'wss://prod.augmentos.cloud/tpa-ws', trustedWebsocketUrls: [cloud.url.replace(/^ws:/, 'wss:')] });
    const response = await post(`${base}/webhook`, sessionRequest('downgraded', cloud.url));
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/untrusted socket URL/);
    // Answered without a session, so no connection was started, now or later.
    expect(server.sessionCount).toBe(0);
    expect(cloud.connections).toHaveLength(0);
  });

  it('trusts loopback when the configured cloud is loopback, and URLs listed as trusted', async () => {
    await startServer({ augmentOSWebsocketUrl: 'ws://127.0.0.1:1/tpa-ws' });
    expect((await post(`${base}/webhook`, sessionRequest('local', cloud.url))).status).toBe(200);
    await server.stop();
    await startServer({ augmentOSWebsocketUrl: 'wss://prod.augmentos.cloud/tpa-ws', trustedWebsocketUrls: [cloud.url] });
    expect((await post(`${base}/webhook`, sessionRequest('listed', cloud.url))).status).toBe(200);
  });
});

describe('webhook signatures', () => {
  const secret = 'webhook-secret';

  it('refuses unsigned and badly signed webhooks with 401, accepts good ones', async () => {
    await startServer({ webhookSecret: secret });
    const body = JSON.stringify(sessionRequest('signed', cloud.url));
    expect((await post(`${base}/webhook`, body)).status).toBe(401);
    const forged = signWebhook('other-secret', body);
    expect((await post(`${base}/webhook`, body, forged)).status).toBe(401);
    const stale = signWebhook(secret, body, Date.now() - 60 * 60_000);
    const staleResponse = await post(`${base}/webhook`, body, stale);
    expect(staleResponse).toMatchObject({ status: 401, body: { message: /replay window/ } });
    const good = await post(`${base}/webhook`, body, signWebhook(secret, body));
    expect(good.status).toBe(200);
    expect(cloud.connections).toHaveLength(1);
  });
  it('refuses unsigned and forged settings on /settings with 401 and applies nothing; applies signed ones', async () => {
    await startServer({ webhookSecret: secret });
    const start = JSON.stringify(sessionRequest('sal', cloud.url));
    expect((await post(`${base}/webhook`, start, signWebhook(secret, start))).status).toBe(200);
    const session = server.getSession(makeSessionId('sal', PACKAGE));
    const update = JSON.stringify({ userIdForSettings: 'sal', settings: [{ type: 'text', key: 'mode', label: 'Mode', value: 'night' }] });
    expect((await post(`${base}/settings`, update)).status).toBe(401);
    expect((await post(`${base}/settings`, update, signWebhook('other-secret', update))).status).toBe(401);
    expect(session?.settings.has('mode')).toBe(false);
    expect((await post(`${base}/settings`, update, signWebhook(secret, update))).body).toMatchObject({ status: 'success', sessionsUpdated: 1 });
    expect(session?.settings.get('mode')).toBe('night');
  });
});

describe('concurrency', () => {
  it('a thousand concurrent webhooks for one id make one session', async () => {
    await cloud.close();
    cloud = await TestCloud.start({ apiKey: API_KEY, ackDelayMs: 1_500 });
    await startServer();
    const request = sessionRequest('crowd', cloud.url);
    const responses = await Promise.all(Array.from({ length: 1_000 }, () => post(`${base}/webhook`, request)));
    expect(new Set(responses.map((response) => response.status))).toEqual(new Set([200]));
    expect(server.sessionCount).toBe(1);
    // All arrived while the first was connecting, so they shared its outcome.
    expect(cloud.connections).toHaveLength(1);
  }, 20_000);
});

describe('start', () => {
  it('refuses a second start and a start after stop, and reports a port in use', async () => {
    await startServer();
    await expect(server.start()).rejects.toMatchObject({ code: 'ALREADY_STARTED' });
    const port = Number(new URL(base).port);
    const clash = new TpaServer({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port, augmentOSWebsocketUrl: cloud.url });
    await expect(clash.start()).rejects.toMatchObject({ code: 'LISTEN_FAILED', message: /EADDRINUSE/ });
    await clash.stop();
    await server.stop();
    await expect(server.start()).rejects.toMatchObject({ code: 'SERVER_STOPPED' });
  });
});

describe('the real cloud deployments are trusted by default (W3)', () => {
  // Internal: the rule the server applies before any connection.
  const real = [
    'wss://api.mentra.glass/app-ws',
    'wss://uswestapi.mentraglass.com/app-ws',
    'wss://france.api.mentra.glass/app-ws',
    'wss://prod.augmentos.cloud/tpa-ws',
    'wss://staging.augmentos.org/tpa-ws',
  ];
  const lookalikes = [
    'ws://api.mentra.glass/app-ws', // no TLS
    'wss://api.mentra.glass:8443/app-ws', // another port
    'wss://evilmentra.glass/app-ws', // ends with the letters, not the domain
    'wss://api.mentra.glass.evil.example/app-ws',
    'wss://api.mentra.glass@evil.example/app-ws',
    'wss://evil.example/app-ws#api.mentra.glass',
  ];

  it('trusts wss:// on their domains and subdomains, and nothing that only looks like them', async () => {
    const { TrustedSocketUrls } = await import('../../src/server/trusted-urls.js');
    const trusted = new TrustedSocketUrls('ws://127.0.0.1:9/tpa-ws');
    for (const url of real) expect(trusted.trusts(url), url).toBe(true);
    for (const url of lookalikes) expect(trusted.trusts(url), url).toBe(false);
    const strict = new TrustedSocketUrls('ws://127.0.0.1:9/tpa-ws', [], false);
    for (const url of real) expect(strict.trusts(url), url).toBe(false);
  });

  it('refuses a real deployment\'s URL with trustRealCloud: false', async () => {
    await startServer({ augmentOSWebsocketUrl: 'ws://127.0.0.1:1/tpa-ws', trustRealCloud: false });
    const refused = await post(`${base}/webhook`, sessionRequest('real', 'wss://api.mentra.glass/app-ws'));
    expect(refused.status).toBe(403);
  });
});
