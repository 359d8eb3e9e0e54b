import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSessionWebhookRequest, buildStopWebhookRequest, signWebhook } from '@tpa/sdk/protocol';
import { TestCloud } from '@tpa/sdk/testing';
import { RawHttpClient, requestHead } from '../../packages/sdk/test/server/raw-http.js';
import { post } from './support/http.js';
import { API_KEY, expectShowsNotification, PACKAGE, ProbeApp, sessionIdOf, openOwnedStack, waitLive, type Stack } from './support/probe-app.js';
import { TestResources } from './support/teardown.js';

/**
 * An attacker on a TPA server's HTTP port (issue 12, items 3 to 6), against the whole stack: the
 * dev cloud runs a user's session while the attacker sends what the cloud never would. Each case
 * failed on the build before its fix. At the end nothing is left open.
 */

const USER = 'target@example.com';
const SECRET = 'hostile-http-secret';

let resources: TestResources;
const clients: RawHttpClient[] = [];

beforeEach(() => {
  resources = new TestResources();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await resources.closeAndCheck();
});

async function attacker(stack: Stack): Promise<RawHttpClient> {
  const client = await RawHttpClient.open(stack.webhookUrl);
  clients.push(client);
  return client;
}

/** A user's session runs, end to end. */
async function liveStack(options: Parameters<typeof openOwnedStack>[1] = {}): Promise<Stack> {
  const stack = await openOwnedStack(resources, options);
  await stack.cloud.startApp(USER, PACKAGE);
  await waitLive(stack, USER);
  return stack;
}

describe('oversized bodies (item 4)', () => {
  it('a 50 GB Content-Length and an endless chunked body are each answered 413 and cut off; the session keeps working', async () => {
    const stack = await liveStack();
    const declared = await attacker(stack);
    await declared.write(requestHead('/webhook', { 'Content-Length': 50_000_000_000 }));
    expect((await declared.response()).status).toBe(413);
    await declared.closed();

    const endless = await attacker(stack);
    await endless.write(requestHead('/webhook', { 'Transfer-Encoding': 'chunked' }));
    const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 0x7b), Buffer.from('\r\n')]);
    while (endless.writable && endless.received === '') await endless.write(chunk);
    expect((await endless.response()).status).toBe(413);
    await endless.closed();

    await expectShowsNotification(stack, USER, 'after the flood');
  });
});

describe('idle connections (item 6)', () => {
  it('a bare connect, half a request head and a trickling body do not hold up stop(): it ends the session and closes them all', async () => {
    const stack = await liveStack();
    const bare = await attacker(stack);
    const halfHead = await attacker(stack);
    await halfHead.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickling = await attacker(stack);
    await trickling.write(requestHead('/webhook', { 'Content-Length': 10_000 }));
    const trickle = setInterval(() => void trickling.write('{'), 50);
    try {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stopping = stack.server.stop().then(() => (stopped = true));
      // shutdownTimeoutMs is 10 s: stop() is done well before it.
      await Promise.race([stopping, new Promise((resolve) => (timer = setTimeout(resolve, 3_000)))]);
      clearTimeout(timer);
      expect(stopped).toBe(true);
      for (const client of [bare, halfHead, trickling]) await client.closed();
      expect(stack.server.ended).toEqual(['server_shutdown']);
    } finally {
      clearInterval(trickle);
    }
  });
});

describe('replayed webhooks (item 3)', () => {
  it('signed: a captured stop_request sent again after the user restarted the app is refused with 401; the new session keeps working', async () => {
    const stack = await liveStack({ cloud: { webhookSecret: SECRET }, server: { webhookSecret: SECRET } });
    // The stop the user's first session ended with, as it went over the wire.
    const stop = JSON.stringify(buildStopWebhookRequest({ sessionId: sessionIdOf(USER), userId: USER, reason: 'user_disabled' }));
    const captured = signWebhook(SECRET, stop);
    expect((await post(stack.webhookUrl, stop, captured)).status).toBe(200);
    await stack.cloud.stopApp(USER, PACKAGE);
    await stack.cloud.startApp(USER, PACKAGE);
    await waitLive(stack, USER);

    const replay = await post(stack.webhookUrl, stop, captured);
    expect(replay).toMatchObject({ status: 401, body: { status: 'error', message: expect.stringMatching(/already used/) } });
    await expectShowsNotification(stack, USER, 'still running');
  });

  it('unsigned: a stop_request dated before the running session was requested is stale (409) and ends nothing', async () => {
    const stack = await liveStack();
    const old = { ...buildStopWebhookRequest({ sessionId: sessionIdOf(USER), userId: USER, reason: 'user_disabled' }), timestamp: new Date(Date.now() - 60_000).toISOString() };
    const refused = await post(stack.webhookUrl, old);
    expect(refused).toMatchObject({ status: 409, body: { code: 'STALE_REQUEST', message: expect.stringMatching(/stale stop_request/) } });
    expect(stack.server.ended).toEqual([]);
    await expectShowsNotification(stack, USER, 'still running');
  });
});

describe('a cloud that never acks (item 5)', () => {
  it('with the default limits, the webhook is answered 200 before the cloud would give up (10 s), and stop() leaves nothing', async () => {
    const cloud = resources.own(await TestCloud.start({ apiKey: API_KEY, ack: false }));
    const server = resources.own(new ProbeApp({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url }));
    const { url } = await server.start();
    const sent = Date.now();
    const response = await post(`${url}/webhook`, buildSessionWebhookRequest({ sessionId: sessionIdOf(USER), userId: USER, websocketUrl: cloud.url }));
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(response).toMatchObject({ status: 200, body: { status: 'success', message: expect.stringMatching(/still connecting/) } });
    expect(server.getSession(sessionIdOf(USER))?.state).toBe('connecting');
  }, 20_000);
});
