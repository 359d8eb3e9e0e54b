import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { pino } from 'pino';
import { createStreamLogger, TpaServer } from '@tpa/sdk';
import { signWebhook } from '@tpa/sdk/protocol';
import { TestCloud } from '@tpa/sdk/testing';
import { post, sessionRequest } from '../server/helpers.js';
import { SESSION_ID, eventually, sessionFor } from './helpers.js';

const SECRET_KEY = 'sk-live-do-not-log-me-0123456789';

let cloud: TestCloud;

beforeEach(async () => {
  cloud = await TestCloud.start();
});

afterEach(async () => {
  await cloud.close();
});

/** Spies on every way to print: the process's streams and each console method. `stop()` says what was printed. */
function watchOutput(): { stop: () => string[] } {
  const spies: Array<[string, MockInstance]> = [
    ['stdout', vi.spyOn(process.stdout, 'write')],
    ['stderr', vi.spyOn(process.stderr, 'write')],
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method): [string, MockInstance] => [`console.${method}`, vi.spyOn(console, method)]),
  ];
  return {
    stop: () => {
      // Read before restoring: a restored spy forgets its calls.
      const printed = spies.flatMap(([name, spy]) => spy.mock.calls.map((args) => `${name}: ${String(args[0])}`));
      for (const [, spy] of spies) spy.mockRestore();
      return printed;
    },
  };
}

/** An app whose onSession always fails. */
class FailingApp extends TpaServer {
  protected override async onSession(): Promise<void> {
    throw new Error('app bug');
  }
}

describe('logging', () => {
  it('is silent by default: a session and a server built without a logger print nothing, through warnings and errors', async () => {
    const output = watchOutput();
    let printed: string[];
    try {
      // A session: a bad frame with no error handler (an error), a loss and a reconnect (a warning),
      // then a cloud gone for good (failed attempts, RECONNECT_FAILED).
      const session = sessionFor(cloud, { reconnect: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, deadlineMs: 1_000 } });
      await session.connect(SESSION_ID);
      const first = await cloud.waitForConnection();
      first.send('{not json');
      first.terminate();
      await eventually(() => session.state === 'connected' && cloud.connections.length === 2, 3_000, 'the reconnect');
      await cloud.close();
      await eventually(() => session.state === 'closed', 3_000, 'the session to give up');
      expect(session.endReason?.kind).toBe('connection_lost');
      cloud = await TestCloud.start();

      // A server: bad signatures, a bad body, an untrusted URL, a failed connect, a failing onSession.
      const secret = 'webhook-secret';
      await using server = new FailingApp({ packageName: 'com.example.server-test', apiKey: SECRET_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, webhookSecret: secret });
      const { url } = await server.start();
      const signed = (body: unknown): Promise<{ status: number }> => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        return post(`${url}/webhook`, text, signWebhook(secret, text));
      };
      expect((await post(`${url}/webhook`, sessionRequest('ann', cloud.url))).status).toBe(401);
      expect((await post(`${url}/settings`, { userIdForSettings: 'ann', settings: [] }, signWebhook('wrong', '{}'))).status).toBe(401);
      expect((await signed('{broken')).status).toBe(400);
      expect((await signed(sessionRequest('bob', 'wss://evil.example/tpa-ws'))).status).toBe(403);
      expect((await signed(sessionRequest('cy', 'ws://127.0.0.1:1/tpa-ws'))).status).toBe(500);
      expect((await signed(sessionRequest('dee', cloud.url))).status).toBe(500);
      await server.stop();
    } finally {
      printed = output.stop();
    }
    expect(printed).toEqual([]);
  });

  it('takes a pino logger as it is', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }));
    const session = sessionFor(cloud, { apiKey: SECRET_KEY, logger });
    await session.connect(SESSION_ID);
    (await cloud.waitForConnection()).terminate();
    await eventually(() => session.state === 'connected' && cloud.connections.length === 2);
    await session.disconnect();
    const entries = lines.map((line) => JSON.parse(line) as { msg: string; packageName?: string });
    expect(entries.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['connected', 'connection lost', 'reconnecting', 'session ended']));
    expect(entries.every((entry) => entry.packageName === 'com.example.test-app')).toBe(true);
    expect(lines.join('')).not.toContain(SECRET_KEY);
  });

  it('never logs the API key, whatever happens on the server', async () => {
    let output = '';
    const logger = createStreamLogger({ level: 'trace', write: (line) => (output += line) });
    await using server = new TpaServer({ packageName: 'com.example.test-app', apiKey: SECRET_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, logger });
    const { url } = await server.start();
    await post(`${url}/webhook`, sessionRequest('ann', cloud.url));
    await post(`${url}/webhook`, sessionRequest('bob', 'wss://evil.example/tpa-ws'));
    await post(`${url}/webhook`, '{broken');
    await server.stop();
    expect(output).toMatch(/session requested/);
    expect(output).not.toContain(SECRET_KEY);
  });
});
