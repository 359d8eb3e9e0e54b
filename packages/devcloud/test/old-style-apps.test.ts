import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Apps written in the style of the older SDKs, our own code: only the import says `@tpa/sdk`.
import { AppServer, TpaServer, logger, type AppSession, type TpaSession } from '@tpa/sdk';
import type { CloudDialect } from '@tpa/sdk/protocol';
import { installLeakCheck, isCollected, type LeakCheck } from '@tpa/sdk/testing';
import { createDevCloud, type DevCloud } from '@tpa/devcloud';

const USER = 'mo@example.com';

/** In the style of a `@mentra/sdk` 2.x app: AppServer, session-level handlers, settings.get with a default, cleanup handlers. */
class ShoutApp extends AppServer {
  readonly stops: string[] = [];
  readonly refs: Array<WeakRef<AppSession>> = [];
  readonly styleChanges: Array<[unknown, unknown]> = [];

  protected override async onSession(session: AppSession, sessionId: string, userId: string): Promise<void> {
    this.refs.push(new WeakRef(session));
    logger.debug({ sessionId, userId }, 'new session');
    session.layouts.showTextWall('Say something', { durationMs: 0 });
    const unsubscribe = session.onTranscriptionForLanguage('en-US', (data) => {
      if (!data.isFinal) return;
      const loud = session.settings.get<boolean>('loud', false);
      session.layouts.showTextWall(loud ? data.text.toUpperCase() : data.text);
    });
    const stopWatching = session.settings.onValueChange('loud', (value, previous) => this.styleChanges.push([value, previous]));
    session.events.onDisconnected((data) => logger.debug({ message: data.message, wasClean: data.wasClean }, 'disconnected'));
    this.addCleanupHandler(unsubscribe);
    this.addCleanupHandler(stopWatching);
  }

  protected override async onStop(sessionId: string, userId: string, reason: string): Promise<void> {
    await super.onStop(sessionId, userId, reason);
    this.stops.push(reason);
  }
}

/** In the style of an `@augmentos/sdk` 1.x app: TpaServer, a string disconnect reason, a cleanup handler. */
class CardApp extends TpaServer {
  readonly disconnects: string[] = [];
  readonly refs: Array<WeakRef<TpaSession>> = [];

  protected override async onSession(session: TpaSession): Promise<void> {
    this.refs.push(new WeakRef(session));
    const off = session.events.onButtonPress((press) => session.layouts.showReferenceCard('Button', `${press.pressType} press`));
    session.events.onDisconnected((reason: string) => this.disconnects.push(`disconnected: ${reason}`));
    this.addCleanupHandler(() => off());
  }
}

describe.each(['spring', 'later'] as const satisfies readonly CloudDialect[])('apps written in the older SDKs\' style, on the dev cloud (%s dialect)', (dialect) => {
  let cloud: DevCloud;
  let leaks: LeakCheck;

  beforeEach(async () => {
    leaks = installLeakCheck();
    cloud = await createDevCloud({ port: 0, dialect });
  });

  afterEach(async () => {
    await cloud.close();
    leaks.uninstallAndAssert();
  });

  it('a 2.x-style app: draws, reads and watches its settings, stops once, and leaves its session collectable', async () => {
    const packageName = 'com.example.shout';
    await using app = new ShoutApp({
      packageName,
      apiKey: 'key',
      port: 0,
      host: '127.0.0.1',
      augmentOSWebsocketUrl: cloud.websocketUrl,
      tpaConfig: { name: 'Shout', description: 'captions, loud or not', version: '1.0.0', settings: [{ type: 'toggle', key: 'loud', label: 'Loud', defaultValue: false }] },
    });
    const { url } = await app.start();
    cloud.registerApp({ packageName, webhookUrl: `${url}/webhook`, apiKey: 'key' });
    await cloud.startApp(USER, packageName);
    await cloud.waitForSession((info) => info.subscriptions.length > 0);
    await cloud.waitForDisplay(USER, (display) => display.views.main?.layout.layoutType === 'text_wall' && display.views.main.layout.text === 'Say something');

    cloud.sendEvent(USER, 'transcription', { text: 'quiet please', isFinal: true, startTime: 0, endTime: 1 });
    await cloud.waitForDisplay(USER, (display) => display.views.main?.layout.layoutType === 'text_wall' && display.views.main.layout.text === 'quiet please');
    cloud.updateSettings(USER, packageName, { loud: true });
    await expect.poll(() => app.styleChanges).toEqual([[true, false]]);
    cloud.sendEvent(USER, 'transcription', { text: 'now loud', isFinal: true, startTime: 0, endTime: 1 });
    await cloud.waitForDisplay(USER, (display) => display.views.main?.layout.layoutType === 'text_wall' && display.views.main.layout.text === 'NOW LOUD');

    await cloud.stopApp(USER, packageName);
    await expect.poll(() => app.stops).toEqual(['user_disabled']);
    expect(app.sessionCount).toBe(0);
    expect(await isCollected(app.refs[0]!)).toBe(true);
  });

  it('a 1.x-style app: reads its disconnect reason as a string and leaves its session collectable', async () => {
    const packageName = 'com.example.cards';
    await using app = new CardApp({ packageName, apiKey: 'key', port: 0, host: '127.0.0.1', augmentOSWebsocketUrl: cloud.websocketUrl });
    const { url } = await app.start();
    cloud.registerApp({ packageName, webhookUrl: `${url}/webhook`, apiKey: 'key' });
    await cloud.startApp(USER, packageName);
    await cloud.waitForSession((info) => info.subscriptions.includes('button_press'));
    cloud.sendEvent(USER, 'button_press', { buttonId: 'main', pressType: 'short' });
    await cloud.waitForDisplay(USER, (display) => display.views.main?.layout.layoutType === 'reference_card');

    await cloud.stopApp(USER, packageName);
    await expect.poll(() => app.sessionCount).toBe(0);
    expect(app.disconnects).toHaveLength(1);
    expect(app.disconnects[0]).toMatch(/^disconnected: \S/);
    expect(await isCollected(app.refs[0]!)).toBe(true);
  });
});
