import { describe, expect, it } from 'vitest';
import { createDevCloud } from '@tpa/devcloud';
import type { CloudDialect } from '@tpa/sdk/protocol';
import { isCollected } from '@tpa/sdk/testing';
import { LiveCaptions } from '../src/live-captions.js';

describe.each(['spring', 'later'] as const satisfies readonly CloudDialect[])('the minimal TPA from the SDK README, on the %s cloud', (dialect) => {
  it('captions speech, shows the time on the dashboard, and leaves nothing when stopped', async () => {
    await using cloud = await createDevCloud({ port: 0, dialect });
    await using app = new LiveCaptions({ packageName: 'com.example.captions', apiKey: 'key', host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.websocketUrl });
    const { url } = await app.start();
    cloud.registerApp({ packageName: 'com.example.captions', webhookUrl: `${url}/webhook`, apiKey: 'key' });
    const session = await cloud.startApp('ada@example.com', 'com.example.captions');
    await cloud.waitForSession({ sessionId: session.sessionId, state: 'active' });
    // The clock's first draw; it redraws every minute, longer than this test runs.
    const clock = await cloud.waitForDisplay('ada@example.com', (display) => display.views.dashboard?.layout.layoutType === 'dashboard_card');
    expect(clock.views.dashboard?.layout).toMatchObject({ leftText: 'Captions', rightText: expect.stringMatching(/^\d{2}:\d{2}:\d{2}$/) });
    await cloud.waitForSession((info) => info.subscriptions.includes('transcription'));

    cloud.sendEvent('ada@example.com', 'transcription', { text: 'hello glasses', isFinal: true, startTime: 0, endTime: 900 });
    await cloud.waitForDisplay('ada@example.com', (display) => display.views.main?.layout.layoutType === 'text_wall' && display.views.main.layout.text === 'hello glasses');

    const ref = new WeakRef(app.getSession(session.sessionId) as object);
    await cloud.stopApp('ada@example.com', 'com.example.captions');
    const deadline = Date.now() + 3_000;
    while (app.sessionCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(app.sessionCount).toBe(0);
    expect(await isCollected(ref)).toBe(true);
  });
});
