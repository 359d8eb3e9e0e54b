import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppServer, type AppSession } from '@mentra/sdk';
import { makeSessionId, type CloudDialect } from '@tpa/sdk/protocol';
import { layoutText } from '../src/index.js';
import { ALICE, captureLogger, notification, useFixtures } from './helpers/fixtures.js';

const PACKAGE = 'com.example.mentra-notes';
const API_KEY = 'mentra-key';
const SESSION = makeSessionId(ALICE, PACKAGE);

/** An app written against @mentra/sdk 2.1.29 as its docs show: subscribe in onSession, draw text walls. */
class MentraNotesApp extends AppServer {
  protected override async onSession(session: AppSession): Promise<void> {
    session.events.onPhoneNotifications((data) => session.layouts.showTextWall(`${data.title}: ${data.content}`, { durationMs: 5000 }));
    session.events.onTranscription((data) => session.layouts.showTextWall(`heard: ${data.text}`));
  }
}

/**
 * Runs the app's express app on our own server: `AppServer.start()` would call the public cloud for
 * a version check and give us no way to close its server (its `stop()` calls `process.exit`).
 */
async function serve(app: AppServer): Promise<{ server: Server; webhookUrl: string; healthUrl: string }> {
  const server = createServer(app.getExpressApp());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, webhookUrl: `http://127.0.0.1:${port}/webhook`, healthUrl: `http://127.0.0.1:${port}/health` };
}

describe.each(['spring', 'later'] as const satisfies readonly CloudDialect[])('an app built on @mentra/sdk 2.1.29, on the %s cloud', (dialect) => {
  const use = useFixtures();
  let server: Server | undefined;
  let signalListeners: { SIGINT: NodeJS.SignalsListener[]; SIGTERM: NodeJS.SignalsListener[] };

  beforeEach(() => {
    // Its code logs with bare console calls here and there (not through its logger).
    for (const method of ['log', 'info', 'debug', 'warn', 'error'] as const) vi.spyOn(console, method).mockImplementation(() => undefined);
    signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  });

  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    }
    // Its constructor adds SIGINT/SIGTERM handlers that call process.exit: take them off again.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.off(signal, listener);
    }
    vi.restoreAllMocks();
  });

  it('is started, subscribes, receives events, draws what the display model shows, and stops', async () => {
    const app = new MentraNotesApp({ packageName: PACKAGE, apiKey: API_KEY, port: 0, healthCheck: true });
    // Its logger is pino at debug level with a pretty transport; children made later inherit this level.
    app.logger.level = 'silent';
    const served = await serve(app);
    server = served.server;
    const { logger, lines } = captureLogger();
    const cloud = await use.cloud({ apps: [{ packageName: PACKAGE, name: 'Mentra Notes', webhookUrl: served.webhookUrl, apiKey: API_KEY }], logger, dialect });

    await expect(cloud.startApp(ALICE, PACKAGE)).resolves.toMatchObject({ sessionId: SESSION, state: 'active' });
    const session = await cloud.waitForSession((s) => s.subscriptions.includes('phone_notification') && s.subscriptions.includes('transcription:en-US'));
    expect(session.packageName).toBe(PACKAGE);

    expect(cloud.sendEvent(ALICE, 'phone_notification', notification('Lunch', 'moved to 1pm'))).toEqual([
      { packageName: PACKAGE, sessionId: SESSION, streamType: 'phone_notification' },
    ]);
    const shown = await cloud.waitForDisplay(ALICE, (display) => display.views.main !== null);
    expect(shown.views.main).toMatchObject({ packageName: PACKAGE, durationMs: 5000, layout: { layoutType: 'text_wall', text: 'Lunch: moved to 1pm' } });

    // It only hands an event to a handler whose key equals streamType, so it must get the form it subscribed with.
    const heard = cloud.sendEvent(ALICE, 'transcription', { text: 'hello glasses', isFinal: true, startTime: 0, endTime: 900, transcribeLanguage: 'en-US' });
    expect(heard).toEqual([{ packageName: PACKAGE, sessionId: SESSION, streamType: 'transcription:en-US' }]);
    await cloud.waitForDisplay(ALICE, (display) => layoutText(display.views.main?.layout ?? { layoutType: 'text_wall', text: '' }) === 'heard: hello glasses');

    const activeSessions = async (): Promise<number> => ((await (await fetch(served.healthUrl)).json()) as { activeSessions: number }).activeSessions;
    expect(await activeSessions()).toBe(1);
    await cloud.stopApp(ALICE, PACKAGE);
    expect(cloud.listSessions()).toEqual([]);
    await expect.poll(activeSessions).toBe(0);
    // Nothing it sent was refused as a bad frame or a bad subscription. On spring too: it connects
    // where the webhook's augmentOSWebsocketUrl says (/tpa-ws), and the streams it subscribes here
    // (phone_notification, transcription:en-US) were known to spring.
    expect(lines.filter((line) => line.level === 'warn' && /bad frame|webhook|refused/.test(line.message))).toEqual([]);
  });
});
