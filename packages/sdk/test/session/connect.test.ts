import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { SessionError } from '@tpa/sdk';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { API_KEY, PACKAGE, SESSION_ID, USER, eventually, sessionFor } from './helpers.js';

let cloud: TestCloud;
let leaks: LeakCheck;

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start({ apiKey: API_KEY, settings: [{ type: 'toggle', key: 'sound', label: 'Sound', defaultValue: true, value: false }] });
});

afterEach(async () => {
  await cloud.close();
  leaks.uninstallAndAssert();
});

describe('connect', () => {
  it('sends tpa_connection_init and resolves on the ack with the settings available', async () => {
    const session = sessionFor(cloud);
    expect(session.state).toBe('idle');
    const connecting = session.connect(SESSION_ID);
    expect(session.state).toBe('connecting');
    await connecting;
    expect(session.state).toBe('connected');
    expect(session.userId).toBe(USER);
    expect(session.settings.get('sound')).toBe(false);
    const app = await cloud.waitForConnection();
    expect(app.init).toMatchObject({ type: 'tpa_connection_init', packageName: PACKAGE, sessionId: SESSION_ID, apiKey: API_KEY });
    await session.disconnect();
  });

  it('rejects with AUTH_REJECTED on a 1008 close, and the session has ended', async () => {
    const session = sessionFor(cloud, { apiKey: 'wrong' });
    const error = await session.connect(SESSION_ID).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ code: 'AUTH_REJECTED', closeCode: 1008, closeReason: 'Invalid API key', sessionId: SESSION_ID });
    expect(session.state).toBe('closed');
    expect(session.endReason?.kind).toBe('connect_failed');
    await cloud.connections[0]?.waitForClose();
    expect(cloud.openConnections).toHaveLength(0);
  });

  it('rejects with CONNECTION_FAILED when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const session = sessionFor(cloud, { augmentOSWebsocketUrl: `ws://127.0.0.1:${port}/tpa-ws` });
    await expect(session.connect(SESSION_ID)).rejects.toMatchObject({ code: 'CONNECTION_FAILED', message: /ECONNREFUSED/ });
    expect(session.state).toBe('closed');
  });

  it('rejects with CONNECT_TIMEOUT when the cloud never acks, leaving no socket', async () => {
    await cloud.close();
    cloud = await TestCloud.start({ ack: false });
    const session = sessionFor(cloud, { connectTimeoutMs: 100 });
    await expect(session.connect(SESSION_ID)).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
    const app = cloud.connections[0];
    await app?.waitForClose();
    expect(cloud.openConnections).toHaveLength(0);
  });

  it('applies a settings_update that arrives right behind the ack, in order', async () => {
    await cloud.close();
    cloud = await TestCloud.start({
      settings: [{ type: 'text', key: 'mode', label: 'Mode', value: 'from ack' }],
      afterAck: (app) => app.sendSettings([{ type: 'text', key: 'mode', label: 'Mode', value: 'from update' }]),
    });
    const session = sessionFor(cloud);
    const updates: unknown[] = [];
    session.events.onSettingsUpdate(() => updates.push(session.settings.get('mode')));
    await session.connect(SESSION_ID);
    await eventually(() => updates.length === 1, 2_000, 'the settings_update');
    expect(updates).toEqual(['from update']);
    expect(session.settings.get('mode')).toBe('from update');
    await session.disconnect();
  });

  it('waits for a slow ack', async () => {
    await cloud.close();
    cloud = await TestCloud.start({ ackDelayMs: 150 });
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    expect(session.state).toBe('connected');
    await session.disconnect();
  });

  it('refuses a second connect, and a connect after the end', async () => {
    const session = sessionFor(cloud);
    await session.connect(SESSION_ID);
    await expect(session.connect(SESSION_ID)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await session.disconnect();
    await expect(session.connect(SESSION_ID)).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
  });

  it('is cancelled by disconnect while connecting: connect rejects and no socket is left', async () => {
    await cloud.close();
    cloud = await TestCloud.start({ ackDelayMs: 300 });
    const session = sessionFor(cloud);
    const connecting = session.connect(SESSION_ID);
    await cloud.waitForConnection();
    await session.disconnect();
    await expect(connecting).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await cloud.connections[0]?.waitForClose();
    expect(cloud.openConnections).toHaveLength(0);
  });
});
