import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createStreamLogger, TpaServer } from '@tpa/sdk';
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

describe('logging', () => {
  it('is silent by default and takes a pino logger as it is', async () => {
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
