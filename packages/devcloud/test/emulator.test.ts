// The glasses emulator in a real headless Chromium, against a real dev cloud and a tiny real TPA:
// a developer opens the page, starts the app, sends a notification and sees it on the glasses.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDevCloud } from '@tpa/devcloud';
import {
  buildConnectionInit,
  buildDisplayEvent,
  buildSubscriptionUpdate,
  CloudToTpaMessageType,
  layouts,
  parseCloudToTpaMessage,
  parseStreamData,
  parseWebhookRequest,
  StreamType,
  ViewType,
  webhookError,
  WebhookRequestType,
  webhookSuccess,
  websocketUrlOf,
  type Layout,
} from '@tpa/sdk/protocol';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOT_PATH = '/tmp/emulator.png';
const PACKAGE = 'com.example.notify-echo';
const API_KEY = 'emulator-test-key';
const BROKEN_PACKAGE = 'com.example.broken';
const SEEN = { timeout: 8_000, interval: 100 };
/** A 4x4 black and white checkerboard, a BMP like the glasses' bitmaps. */
const CHECKERBOARD_BMP =
  'Qk1mAAAAAAAAADYAAAAoAAAABAAAAAQAAAABABgAAAAAADAAAAATCwAAEwsAAAAAAAAAAAAA////AAAA////AAAAAAAA////AAAA////////AAAA////AAAAAAAA////AAAA////';

type DevCloud = Awaited<ReturnType<typeof createDevCloud>>;

/** A TPA in a few lines: shows every phone notification as `<app> - <title>: <content>`. */
interface NotificationEchoTpa {
  readonly webhookUrl: string;
  /** How many stop_request webhooks it got. */
  readonly stopRequests: number;
  /** Draws on the glasses through the live session, as any app may. */
  display(view: ViewType, layout: Layout, durationMs?: number): void;
  close(): Promise<void>;
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startNotificationEchoTpa(packageName: string, apiKey: string): Promise<NotificationEchoTpa> {
  let live: { socket: WebSocket; sessionId: string } | undefined;
  let stopRequests = 0;
  const sockets = new Set<WebSocket>();

  const send = (socket: WebSocket, message: object): void => socket.send(JSON.stringify(message));

  /** Connects to the cloud and resolves once the socket is acked and subscribed. */
  const connect = (websocketUrl: string, sessionId: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(websocketUrl);
      sockets.add(socket);
      socket.once('open', () => send(socket, buildConnectionInit({ packageName, sessionId, apiKey })));
      socket.on('error', reject);
      socket.once('close', (code, reason) => {
        sockets.delete(socket);
        if (live?.socket === socket) live = undefined;
        reject(new Error(`the cloud closed the socket before the ack: ${code} ${reason.toString()}`));
      });
      socket.on('message', (raw, isBinary) => {
        if (isBinary) return;
        const parsed = parseCloudToTpaMessage(raw.toString());
        if (!parsed.ok) return;
        const message = parsed.value;
        if (message.type === CloudToTpaMessageType.CONNECTION_ACK) {
          live = { socket, sessionId };
          send(socket, buildSubscriptionUpdate(packageName, sessionId, [StreamType.PHONE_NOTIFICATION]));
          resolve();
        }
        if (message.type === CloudToTpaMessageType.DATA_STREAM) {
          const event = parseStreamData(message.streamType, message.data);
          if (event.ok && event.value.typed && event.value.stream === StreamType.PHONE_NOTIFICATION) {
            const { app, title, content } = event.value.data;
            const layout = layouts.textWall(`${app} - ${title}: ${content}`);
            send(socket, buildDisplayEvent({ packageName, sessionId, view: ViewType.MAIN, layout }));
          }
        }
      });
    });

  const server = http.createServer((request, response) => {
    const answer = (status: number, body: object): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    void readBody(request).then(async (body) => {
      const parsed = parseWebhookRequest(body);
      if (!parsed.ok) return answer(400, webhookError(parsed.error.message));
      const webhook = parsed.value;
      if (webhook.type === WebhookRequestType.STOP_REQUEST) {
        stopRequests += 1;
        return answer(200, webhookSuccess());
      }
      const websocketUrl = websocketUrlOf(webhook);
      if (!websocketUrl) return answer(400, webhookError('the session request names no socket URL'));
      try {
        await connect(websocketUrl, webhook.sessionId);
        answer(200, webhookSuccess());
      } catch {
        answer(500, webhookError('Failed to connect'));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    webhookUrl: `http://127.0.0.1:${port}/webhook`,
    get stopRequests() {
      return stopRequests;
    },
    display(view, layout, durationMs) {
      if (!live) throw new Error(`${packageName} has no live session to draw with`);
      send(live.socket, buildDisplayEvent({ packageName, sessionId: live.sessionId, view, layout, durationMs }));
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A port that nobody listens on: an app registered there can never answer its webhook. */
async function closedPort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function controlApi(cloudUrl: string, method: string, path: string, body?: object): Promise<unknown> {
  const response = await fetch(`${cloudUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const payload: unknown = await response.json();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(payload)}`);
  return payload;
}

function registerApp(cloudUrl: string, app: { packageName: string; name: string; webhookUrl: string; apiKey: string }): Promise<unknown> {
  return controlApi(cloudUrl, 'POST', '/api/apps', app);
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Runs every closer even when one throws, then reports all failures together. */
async function closeAll(...closers: (() => Promise<unknown> | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(closers.map(async (close) => close()));
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => result.reason as unknown);
  if (failures.length > 0) throw new AggregateError(failures, 'closing the emulator test failed');
}

/** The text of an element with its whitespace made single spaces, as a reader would read it. */
async function readableText(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();
}

describe('the glasses emulator page', () => {
  let cloud: DevCloud | undefined;
  let tpa: NotificationEchoTpa | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    cloud = await createDevCloud({ port: 0 });
    tpa = await startNotificationEchoTpa(PACKAGE, API_KEY);
    await registerApp(cloud.url, { packageName: PACKAGE, name: 'Notification echo', webhookUrl: tpa.webhookUrl, apiKey: API_KEY });
    const nowhere = `http://127.0.0.1:${await closedPort()}/webhook`;
    await registerApp(cloud.url, { packageName: BROKEN_PACKAGE, name: 'Broken app', webhookUrl: nowhere, apiKey: 'broken-key' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${cloud.url}/`);
  }, 30_000);

  afterAll(() =>
    closeAll(
      () => browser?.close(),
      () => tpa?.close(),
      () => cloud?.close(),
    ),
  );

  it('follows the default user and the live feed, and says which cloud it imitates', async () => {
    expect(await page.getByTestId('user-input').inputValue()).toBe('demo@example.com');
    await expect.poll(() => page.getByTestId('live-state').getAttribute('data-state'), SEEN).toBe('live');
    await expect.poll(() => readableText(page, 'dialect'), SEEN).toBe('later cloud · /app-ws');
  });

  it('starts the app from the page and shows a phone notification on the main view', async () => {
    await page.getByTestId(`app-start-${PACKAGE}`).click();
    await expect.poll(() => readableText(page, 'session-list'), SEEN).toContain(StreamType.PHONE_NOTIFICATION);

    const content = 'Lunch at noon by the fountain in the park, bring the blue umbrella?';
    await page.getByTestId('notify-app').fill('Messages');
    await page.getByTestId('notify-title').fill('Ann');
    await page.getByTestId('notify-content').fill(content);
    await page.getByTestId('notify-send').click();

    await expect.poll(() => readableText(page, 'view-main'), SEEN).toBe(`Messages - Ann: ${content}`);
    expect(await page.getByTestId('view-main-owner').innerText()).toBe(PACKAGE);
    expect(await page.getByTestId('view-main-countdown').innerText()).toBe('until replaced');
    const lines = await page.getByTestId('view-main-line').allInnerTexts();
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(35);
    expect(await page.getByTestId('status').getAttribute('data-kind')).toBe('ok');
    expect(await page.getByTestId('status').innerText()).toContain(PACKAGE);
  });

  it('renders a dashboard card with both sides on one line of the dashboard view', async () => {
    tpa?.display(ViewType.DASHBOARD, layouts.dashboardCard('12:30', 'Battery 85%'));
    await expect.poll(() => page.getByTestId('view-dashboard-line').allInnerTexts(), SEEN).toHaveLength(1);
    const [line] = await page.getByTestId('view-dashboard-line').allInnerTexts();
    expect(line).toMatch(/^12:30 +Battery 85%$/);
  });

  it('counts down a display sent with a duration and takes it off when it expires', async () => {
    tpa?.display(ViewType.MAIN, layouts.referenceCard('Reminder', 'Stand up and stretch for a minute'), 2_500);
    await expect.poll(() => readableText(page, 'view-main'), SEEN).toBe('Reminder Stand up and stretch for a minute');
    expect(await page.getByTestId('view-main-countdown').innerText()).toMatch(/^\d+\.\d s left$/);
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });

    await expect.poll(() => readableText(page, 'view-main'), SEEN).not.toContain('Stand up and stretch');
  });

  it('draws a bitmap view as an image', async () => {
    tpa?.display(ViewType.MAIN, layouts.bitmapView(CHECKERBOARD_BMP));
    const bitmap = page.getByTestId('view-main-bitmap');
    await expect.poll(() => bitmap.count(), SEEN).toBe(1);
    // The tests compile without the DOM library: describe the two fields of the <img> we read.
    const decodedWidth = (): Promise<number> =>
      bitmap.evaluate((element) => {
        const image = element as unknown as { complete: boolean; naturalWidth: number };
        return image.complete ? image.naturalWidth : 0;
      });
    await expect.poll(decodedWidth, SEEN).toBe(4);
    expect(await page.getByTestId('view-main').getAttribute('data-layout')).toBe('bitmap_view');
  });

  it('shows an error of the control API in the status line', async () => {
    await page.getByTestId(`app-start-${BROKEN_PACKAGE}`).click();
    await expect.poll(() => page.getByTestId('status').getAttribute('data-kind'), SEEN).toBe('error');
    expect(await page.getByTestId('status').isVisible()).toBe(true);
    const status = await page.getByTestId('status').innerText();
    expect(status).toContain(`Starting ${BROKEN_PACKAGE}: 502`);
    expect(await page.getByTestId(`app-state-${BROKEN_PACKAGE}`).innerText()).toBe('not running');
  });

  it('stops the app from the page, leaving nothing running', async () => {
    await page.getByTestId(`app-stop-${PACKAGE}`).click();
    await expect.poll(() => readableText(page, 'session-list'), SEEN).toBe('No app is running for this user.');
    await expect.poll(() => tpa?.stopRequests, SEEN).toBe(1);
    const { sessions } = (await controlApi(cloud?.url ?? '', 'GET', '/api/sessions')) as { sessions: unknown[] };
    expect(sessions).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('the glasses emulator when the dev cloud restarts', () => {
  let first: DevCloud | undefined;
  let second: DevCloud | undefined;
  let tpa: NotificationEchoTpa | undefined;
  let browser: Browser | undefined;

  afterAll(() =>
    closeAll(
      () => browser?.close(),
      () => tpa?.close(),
      () => first?.close(),
      () => second?.close(),
    ),
  );

  it('reconnects its live feed and shows what the new cloud displays', async () => {
    first = await createDevCloud({ port: 0 });
    const port = new URL(first.url).port;
    tpa = await startNotificationEchoTpa(PACKAGE, API_KEY);
    browser = await launchChromium();
    const page = await browser.newPage();
    const user = 'alice@example.com';
    await page.goto(`${first.url}/?user=${encodeURIComponent(user)}`);
    expect(await page.getByTestId('user-input').inputValue()).toBe(user);
    await expect.poll(() => page.getByTestId('live-state').getAttribute('data-state'), SEEN).toBe('live');

    await first.close();
    first = undefined;
    await expect.poll(() => page.getByTestId('live-state').getAttribute('data-state'), SEEN).toBe('reconnecting');

    second = await createDevCloud({ port: Number(port) });
    await expect.poll(() => page.getByTestId('live-state').getAttribute('data-state'), SEEN).toBe('live');
    await registerApp(second.url, { packageName: PACKAGE, name: 'Notification echo', webhookUrl: tpa.webhookUrl, apiKey: API_KEY });
    await controlApi(second.url, 'POST', `/api/users/${encodeURIComponent(user)}/apps/${PACKAGE}/start`);
    tpa.display(ViewType.MAIN, layouts.doubleTextWall('Back online', 'after a restart'));

    await expect.poll(() => readableText(page, 'view-main-top'), SEEN).toBe('Back online');
    expect(await readableText(page, 'view-main-bottom')).toBe('after a restart');
    await expect.poll(() => readableText(page, 'session-list'), SEEN).toContain(PACKAGE);
  });
});
