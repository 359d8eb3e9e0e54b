import { createServer } from 'node:http';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createStreamLogger, TpaSession, type TpaError } from '@tpa/sdk';
import type { TpaSession as Session } from '@tpa/sdk';
import { buildConnectionAck, parseTpaToCloudMessage } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { eventually } from './support/waiting.js';

/** Hostile conditions met by a session (issue 12): each case failed on the build before its fix. */
const PACKAGE = 'com.example.hostile';
const SESSION_ID = `hana@example.com-${PACKAGE}`;

let leaks: LeakCheck;

beforeEach(() => {
  leaks = installLeakCheck();
});

afterEach(() => {
  leaks.uninstallAndAssert();
});

describe('a flapping cloud (item 9)', () => {
  it('acks then drops every connection: the session gives up with RECONNECT_FAILED instead of reconnecting forever', async () => {
    await using cloud = await TestCloud.start({ afterAck: (connection) => setImmediate(() => connection.terminate()) });
    const session = new TpaSession({
      packageName: PACKAGE,
      apiKey: 'key',
      augmentOSWebsocketUrl: cloud.url,
      reconnect: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 10, deadlineMs: 5_000, stableAfterMs: 30_000 },
    });
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    await eventually(() => session.state === 'closed', 'the session to give up', 5_000);
    expect(errors.map((error) => error.code)).toContain('RECONNECT_FAILED');
    // The first connection and one per attempt: the budget was not reset by connections that did not last.
    expect(cloud.connections.length).toBeLessThanOrEqual(1 + 4);
  });
});

describe('a permessage-deflate bomb (item 7)', () => {
  it('the SDK offers no compression, so a cloud cannot send a compressed frame', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, perMessageDeflate: true });
    const extensions: string[] = [];
    wss.on('connection', (socket, request) => {
      extensions.push(String(request.headers['sec-websocket-extensions'] ?? ''));
      socket.on('message', (data) => {
        const parsed = parseTpaToCloudMessage(data);
        if (parsed.ok && parsed.value.type === 'tpa_connection_init') socket.send(JSON.stringify(buildConnectionAck(parsed.value.sessionId)));
      });
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const { port } = http.address() as { port: number };
    try {
      const session = new TpaSession({ packageName: PACKAGE, apiKey: 'key', augmentOSWebsocketUrl: `ws://127.0.0.1:${port}/tpa-ws`, reconnect: false });
      await session.connect(SESSION_ID);
      expect(extensions).toEqual(['']);
      await session.disconnect();
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => http.close(resolve));
    }
  });
});

describe('log forging (item 10)', () => {
  it('createStreamLogger escapes control characters in the message and the fields', () => {
    const lines: string[] = [];
    const logger = createStreamLogger({ write: (line) => lines.push(line) });
    const forged = 'session_request\n2026-12-01T00:00:00.000Z ERROR forged line \u001b[31mred\u001b[0m \u0085';
    logger.warn({ type: forged }, `refused a webhook of type ${forged}`);
    expect(lines).toHaveLength(1);
    const [line] = lines as [string];
    expect(line.endsWith('\n')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(line).toContain('\\n2026-12-01');
  });
});

describe('a deeply nested setting value (item 8)', () => {
  it('is applied whole: POST /settings answers 200 and both settings events fire', async () => {
    const { TpaServer } = await import('@tpa/sdk');
    const { buildSessionWebhookRequest, makeSessionId } = await import('@tpa/sdk/protocol');
    const { postJson } = await import('@tpa/sdk/testing');
    await using cloud = await TestCloud.start();
    const seen: string[] = [];
    class App extends TpaServer {
      protected override async onSession(session: Session): Promise<void> {
        session.events.onSettingsUpdate(() => seen.push('update'));
        session.events.onSettingChange('deep', () => seen.push('change'));
      }
    }
    await using server = new App({ packageName: PACKAGE, apiKey: 'key', host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url });
    const { url } = await server.start();
    expect((await postJson(`${url}/webhook`, buildSessionWebhookRequest({ sessionId: makeSessionId('dee', PACKAGE), userId: 'dee', websocketUrl: cloud.url }))).status).toBe(200);
    // 5,000 levels, written as text: JSON.parse takes them; the SDK's change check overflowed.
    const deep = `${'{"deeper":'.repeat(5_000)}"bottom"${'}'.repeat(5_000)}`;
    const body = `{"userIdForSettings":"dee","settings":[{"type":"custom","key":"deep","label":"Deep","value":${deep}}]}`;
    const reply = await postJson(`${url}/settings`, body);
    expect(reply.status, reply.text).toBe(200);
    expect(seen).toEqual(['update', 'change']);
  });
});

describe('a handler that registers a new handler on every call (item 12)', () => {
  it('is reported once, past the per-stream handler count, and nothing is refused', async () => {
    await using cloud = await TestCloud.start();
    const session = new TpaSession({ packageName: PACKAGE, apiKey: 'key', augmentOSWebsocketUrl: cloud.url });
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    let calls = 0;
    const leaky = (): void => {
      calls++;
      session.events.onButtonPress(leaky);
    };
    session.events.onButtonPress(leaky);
    for (let press = 0; press < 8; press++) app.sendData('button_press', { buttonId: 'main', pressType: 'short' });
    // 1 + 1 + 2 + 4 + ... handlers: 255 calls after eight presses, and 256 handlers.
    await eventually(() => calls === 255, 'every handler to run');
    expect(errors.filter((error) => error.code === 'TOO_MANY_HANDLERS')).toHaveLength(1);
    expect(session.events.handlerCount).toBe(256 + 1);
    await session.disconnect();
  });
});

describe('a cloud that keeps pinging but stops reading (item 2)', () => {
  it('draws are held back (the newest kept), said once, and the blocked connection is ended and replaced', async () => {
    await using cloud = await TestCloud.start({ pingIntervalMs: 50 });
    const session = new TpaSession({
      packageName: PACKAGE,
      apiKey: 'key',
      augmentOSWebsocketUrl: cloud.url,
      sendBufferLimitBytes: 256 * 1024,
      sendBlockedTimeoutMs: 500,
      reconnect: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, deadlineMs: 5_000 },
    });
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    const first = await cloud.waitForConnection();
    first.stopReading();
    const page = 'x'.repeat(8 * 1024);
    let draws = 0;
    let result = 'sent';
    // Draw until held back: the kernel's buffers fill first, then the socket's.
    while (result === 'sent' && draws < 50_000) {
      result = session.layouts.showTextWall(`${draws} ${page}`);
      draws++;
      if (draws % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(result).toBe('queued');
    for (let more = 0; more < 1_000; more++) expect(session.layouts.showTextWall(`held ${more}`)).toBe('queued');
    expect(errors.filter((error) => error.code === 'SEND_BLOCKED')).toHaveLength(1);
    // Blocked past its deadline: lost, and the session reconnects; the newest display goes out again.
    await eventually(() => cloud.connections.length === 2 && session.state === 'connected', 'the reconnect', 5_000);
    const second = cloud.connections[1]!;
    await second.waitForMessage('display_event', (message) => (message.layout as { text?: string }).text === 'held 999');
    await session.disconnect();
  });
});

describe('a settings_update of 12,000 invalid settings (item 11)', () => {
  it('is one error event listing the first few, and the valid settings still apply', async () => {
    await using cloud = await TestCloud.start();
    const session = new TpaSession({ packageName: PACKAGE, apiKey: 'key', augmentOSWebsocketUrl: cloud.url });
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    const invalid = Array.from({ length: 12_000 }, (_, index) => ({ type: 'toggle', label: `broken ${index}`, defaultValue: 'not a boolean' }));
    app.send({ type: 'settings_update', packageName: PACKAGE, sessionId: SESSION_ID, settings: [...invalid, { key: 'kept', value: 1 }], timestamp: new Date().toISOString() });
    await eventually(() => session.settings.get('kept') === 1, 'the valid setting');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('INVALID_SETTING');
    expect(errors[0]?.message).toMatch(/^12000 setting\(s\) ignored: .*; and 11995 more$/);
    await session.disconnect();
  });
});
