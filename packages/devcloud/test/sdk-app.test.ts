import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type StopReason, type TpaSession } from '@tpa/sdk';
import type { CloudDialect } from '@tpa/sdk/protocol';
import { createDevCloud, type DevCloud } from '@tpa/devcloud';

const PACKAGE = 'com.example.sdk-on-devcloud';
const USER = 'jo-anne@example.com';

/** A TPA built on our SDK: captions in two languages, a dashboard card per button press. */
class CaptionsApp extends TpaServer {
  readonly heard: string[] = [];
  readonly stops: StopReason[] = [];

  protected override async onSession(session: TpaSession): Promise<void> {
    session.events.onTranscription((words) => {
      this.heard.push(`en:${words.text}`);
      session.layouts.showTextWall(words.text);
    });
    session.events.onTranscriptionForLanguage('fr-FR', (words) => this.heard.push(`fr:${words.text}`));
    session.events.onButtonPress((press) => session.layouts.showDashboardCard('Button', press.pressType));
  }

  protected override async onStop(_sessionId: string, _userId: string, reason: StopReason): Promise<void> {
    this.stops.push(reason);
  }
}

describe.each(['spring', 'later'] as const satisfies readonly CloudDialect[])('a TPA built on @tpa/sdk, on the dev cloud (%s dialect)', (dialect) => {
  let cloud: DevCloud;
  let app: CaptionsApp;

  beforeEach(async () => {
    cloud = await createDevCloud({ port: 0, dialect });
    app = new CaptionsApp({ packageName: PACKAGE, apiKey: 'key', host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.websocketUrl });
    const { url } = await app.start();
    cloud.registerApp({ packageName: PACKAGE, webhookUrl: `${url}/webhook`, apiKey: 'key' });
  });

  afterEach(async () => {
    await app.stop();
    await cloud.close();
  });

  it('subscribes, receives routed events, draws, and is stopped with a stop_request', async () => {
    const started = await cloud.startApp(USER, PACKAGE);
    const session = await cloud.waitForSession((info) => info.sessionId === started.sessionId && info.subscriptions.length === 3);
    expect([...session.subscriptions].sort()).toEqual(['button_press', 'transcription', 'transcription:fr-FR']);

    const english = cloud.sendEvent(USER, 'transcription', { text: 'hello', isFinal: true, startTime: 0, endTime: 1 });
    const french = cloud.sendEvent(USER, 'transcription', { text: 'bonjour', isFinal: true, startTime: 0, endTime: 1, transcribeLanguage: 'fr-FR' });
    expect(english.map((delivery) => delivery.streamType)).toEqual(['transcription']);
    expect(french.map((delivery) => delivery.streamType)).toEqual(['transcription:fr-FR']);
    await cloud.waitForDisplay(USER, (display) => display.views.main?.layout.layoutType === 'text_wall');
    expect(app.heard.sort()).toEqual(['en:hello', 'fr:bonjour']);

    cloud.sendEvent(USER, 'button_press', { buttonId: 'main', pressType: 'long' });
    await cloud.waitForDisplay(USER, (display) => display.views.dashboard?.layout.layoutType === 'dashboard_card');

    await cloud.stopApp(USER, PACKAGE);
    const deadline = Date.now() + 3_000;
    while ((app.sessionCount > 0 || app.stops.length === 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(app.sessionCount).toBe(0);
    expect(app.stops).toEqual(['user_disabled']);
    expect(cloud.listSessions()).toEqual([]);
  });

  it('the SDK refuses a dev cloud URL it was not configured to trust, and the cloud reports the failed start', async () => {
    await app.stop();
    app = new CaptionsApp({ packageName: PACKAGE, apiKey: 'key', host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: 'wss://prod.augmentos.cloud/tpa-ws' });
    const { url } = await app.start();
    cloud.registerApp({ packageName: PACKAGE, webhookUrl: `${url}/webhook`, apiKey: 'key' });
    await expect(cloud.startApp(USER, PACKAGE)).rejects.toThrow(/403|untrusted/);
    expect(app.sessionCount).toBe(0);
  });
});
