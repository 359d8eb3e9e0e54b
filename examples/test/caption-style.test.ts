import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevCloud, layoutText, type DevCloud, type DisplaySnapshot } from '@tpa/devcloud';
import type { TpaError, TpaSession } from '@tpa/sdk';
import type { CloudDialect } from '@tpa/sdk/protocol';
import { postJson } from '@tpa/sdk/testing';
import { CaptionStyle } from '../src/caption-style.js';

const PACKAGE = 'com.example.caption-style';
const USER = 'ines@example.com';

/** Caption Style as it ships, plus a record of the error events its sessions raise. */
class ObservedCaptionStyle extends CaptionStyle {
  readonly errors: TpaError[] = [];

  protected override async onSession(session: TpaSession): Promise<void> {
    session.events.onError((error) => this.errors.push(error));
    await super.onSession(session);
  }
}

const mainText = (display: DisplaySnapshot): string | undefined => {
  const layout = display.views.main?.layout;
  return layout ? layoutText(layout) : undefined;
};

/** Caption Style on a dev cloud, started for one user: what the test needs of it. */
async function startFor(cloud: DevCloud, app: ObservedCaptionStyle): Promise<{ appUrl: string; session: TpaSession }> {
  const { url: appUrl } = await app.start();
  cloud.registerApp({ packageName: PACKAGE, name: 'Caption Style', webhookUrl: `${appUrl}/webhook`, apiKey: 'key' });
  const started = await cloud.startApp(USER, PACKAGE);
  await cloud.waitForSession((info) => info.sessionId === started.sessionId && info.subscriptions.includes('transcription'));
  const session = app.getSession(started.sessionId);
  if (!session) throw new Error(`Caption Style has no session ${started.sessionId}`);
  return { appUrl, session };
}

const captionStyleOn = (cloud: DevCloud): ObservedCaptionStyle =>
  new ObservedCaptionStyle({ packageName: PACKAGE, apiKey: 'key', host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.websocketUrl });

function speak(cloud: DevCloud, text: string, isFinal = true): void {
  cloud.sendEvent(USER, 'transcription', { text, isFinal, startTime: 0, endTime: 900 });
}

async function captionShown(cloud: DevCloud, text: string): Promise<void> {
  await cloud.waitForDisplay(USER, (display) => mainText(display) === text);
}

describe.each(['spring', 'later'] as const satisfies readonly CloudDialect[])('Caption Style on the %s cloud', (dialect) => {
  it('captions in the declared default style until the user changes it; a change restyles the last caption at once and every caption after it', async () => {
    await using cloud = await createDevCloud({ port: 0, dialect });
    await using app = captionStyleOn(cloud);
    const { session } = await startFor(cloud, app);

    // Spring's first ack carries the declared shape with each default as its value; the later
    // cloud's carries it with no value at all: either way the app reads its declared defaults.
    expect([session.settings.get('letterCase'), session.settings.get('prefix'), session.settings.get('showPartial')]).toEqual(['as spoken', '', false]);
    speak(cloud, 'Good morning', false);
    await sleep(100);
    expect(cloud.getDisplay(USER).views.main).toBeNull(); // words before the sentence ends are not shown by default
    speak(cloud, 'Good morning, Ines');
    await captionShown(cloud, 'Good morning, Ines');

    // The phone's settings page: a settings_update on the socket, then POST /settings.
    cloud.updateSettings(USER, PACKAGE, { letterCase: 'upper' });
    await captionShown(cloud, 'GOOD MORNING, INES');
    cloud.updateSettings(USER, PACKAGE, { prefix: '>' });
    await captionShown(cloud, '> GOOD MORNING, INES');
    speak(cloud, 'Coffee is ready');
    await captionShown(cloud, '> COFFEE IS READY');
    expect(session.settings.get('letterCase')).toBe('upper');
    expect(app.errors).toEqual([]);
  });

  it('refuses a value its declaration does not offer: one INVALID_SETTING error event naming the key, and the default stands', async () => {
    await using cloud = await createDevCloud({ port: 0, dialect });
    await using app = captionStyleOn(cloud);
    const { appUrl, session } = await startFor(cloud, app);
    // The dev cloud checks values itself...
    expect(() => cloud.updateSettings(USER, PACKAGE, { letterCase: 'sideways' })).toThrow(/letterCase/);
    // ...the real cloud did not (it stored any pair the phone sent, S@75f9793f
    // `routes/tpa-settings.routes.ts` L240-249) and forwarded them as they were in POST <publicUrl>/settings.
    const reply = await postJson(`${appUrl}/settings`, {
      userIdForSettings: USER,
      settings: [
        { key: 'letterCase', value: 'sideways' },
        { key: 'prefix', value: '~' },
        { key: 'showPartial', value: false },
      ],
    });
    expect(reply.status).toBe(200);
    expect(app.errors.map((error) => [error.code, error.message])).toEqual([['INVALID_SETTING', expect.stringContaining('letterCase')]]);
    expect(session.settings.get('letterCase')).toBe('as spoken');
    expect(session.settings.get('prefix')).toBe('~');
    speak(cloud, 'Still as spoken');
    await captionShown(cloud, '~ Still as spoken');
  });
});
