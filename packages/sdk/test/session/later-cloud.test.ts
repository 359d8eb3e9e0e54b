import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TpaError } from '@tpa/sdk';
import { APP_WEBSOCKET_PATH } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { SESSION_ID, eventually, sessionFor } from './helpers.js';

let cloud: TestCloud;
let leaks: LeakCheck;

beforeEach(() => {
  leaks = installLeakCheck();
});

afterEach(async () => {
  await cloud.close();
  leaks.uninstallAndAssert();
});

describe('what the later cloud adds to the ack (W8)', () => {
  it('exposes the capabilities and the system settings, and takes their updates', async () => {
    // As AppManager.ts L748-755 at c1f57fc3 builds the ack.
    cloud = await TestCloud.start({
      path: APP_WEBSOCKET_PATH,
      ackExtras: { augmentosSettings: { metricSystemEnabled: true, brightness: 50 }, capabilities: { modelName: 'Even Realities G1', hasCamera: false, hasScreen: true } },
    });
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    expect(session.capabilities).toMatchObject({ modelName: 'Even Realities G1', hasCamera: false });
    expect(session.settings.getMentraosSetting('metricSystemEnabled')).toBe(true);
    expect(session.settings.getAugmentosSetting('brightness')).toBe(50);
    expect(session.settings.getMentraosSetting('headUpAngle', 20)).toBe(20);
    (await cloud.waitForConnection()).send({ type: 'augmentos_settings_update', sessionId: SESSION_ID, settings: { brightness: 80 }, timestamp: new Date().toISOString() });
    await eventually(() => session.settings.getMentraosSetting('brightness') === 80);
    expect(session.settings.getMentraosSetting('metricSystemEnabled')).toBe(true);
    await session.disconnect();
  });

  it('leaves them undefined on the spring cloud, which sends neither', async () => {
    cloud = await TestCloud.start();
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    expect(session.capabilities).toBeUndefined();
    expect(session.settings.getMentraosSetting('metricSystemEnabled', false)).toBe(false);
    await session.disconnect();
  });
});

describe('errors of each cloud (W6)', () => {
  it('spring: connection_error is one error event and the session goes on', async () => {
    cloud = await TestCloud.start();
    const session = sessionFor(cloud);
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    // websocket.service.ts L1453-1460 at 75f9793f: no code, the socket stays open.
    (await cloud.waitForConnection()).send({ type: 'connection_error', message: 'Error processing message', timestamp: new Date().toISOString() });
    await eventually(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'CLOUD_ERROR' });
    await delay(50);
    expect(session.state).toBe('connected');
    await session.disconnect();
  });

  it('later: tpa_connection_error then 1008 is one error event and an ending with no reconnect', async () => {
    cloud = await TestCloud.start({ path: APP_WEBSOCKET_PATH });
    const session = sessionFor(cloud);
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    // websocket-app.service.ts L301, L408-421 at c1f57fc3.
    app.send({ type: 'tpa_connection_error', code: 'MALFORMED_MESSAGE', message: 'Invalid subscription type: vad', timestamp: new Date().toISOString() });
    app.close(1008, 'Invalid subscription type: vad');
    await eventually(() => session.state === 'closed');
    expect(errors.map((error) => error.code)).toEqual(['CLOUD_ERROR']);
    expect(session.endReason).toMatchObject({ kind: 'cloud_closed', closeCode: 1008 });
    await delay(100);
    expect(cloud.connections).toHaveLength(1);
  });
});

describe('ownership_release (W12)', () => {
  const releases = (connection: { messages: ReadonlyArray<{ type: string }> }): unknown[] =>
    connection.messages.filter((message) => message.type === 'ownership_release').map((message) => (message as unknown as { reason: string }).reason);

  it('later: the app ending a session itself tells the cloud not to restart it, before the close', async () => {
    cloud = await TestCloud.start({ path: APP_WEBSOCKET_PATH });
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    await session.disconnect();
    await app.waitForClose();
    expect(releases(app)).toEqual(['clean_shutdown']);
  });

  it('later: a server shutdown releases nothing (the cloud should bring the session back), nor does spring ever', async () => {
    cloud = await TestCloud.start({ path: APP_WEBSOCKET_PATH });
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    const app = await cloud.waitForConnection();
    await session.disconnect({ kind: 'server_shutdown', message: 'stopping' });
    await app.waitForClose();
    expect(releases(app)).toEqual([]);
    await cloud.close();
    cloud = await TestCloud.start();
    const spring = sessionFor(cloud);
    await spring.connect(SESSION_ID);
    const springApp = await cloud.waitForConnection();
    await spring.disconnect();
    await springApp.waitForClose();
    expect(releases(springApp)).toEqual([]);
  });
});
