import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type AppSetting, type TpaError, type TpaSession, type WireSetting } from '@tpa/sdk';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { API_KEY, PACKAGE, post, sessionRequest } from '../server/helpers.js';
import { SESSION_ID, eventually, sessionFor } from './helpers.js';

/** What the app declares in its tpa_config.json. */
const DECLARED: AppSetting[] = [
  { type: 'toggle', key: 'showTime', label: 'Show the time', defaultValue: true },
  { type: 'select', key: 'units', label: 'Units', defaultValue: 'metric', options: [{ label: 'Metric', value: 'metric' }, { label: 'Imperial', value: 'imperial' }] },
  { type: 'text', key: 'greeting', label: 'Greeting', defaultValue: 'Hello' },
];

let cloud: TestCloud;
let leaks: LeakCheck;

beforeEach(() => {
  leaks = installLeakCheck();
});

afterEach(async () => {
  await cloud.close();
  leaks.uninstallAndAssert();
});

async function connectedWith(ackSettings: readonly WireSetting[], declaredSettings: readonly AppSetting[] = DECLARED): Promise<{ session: TpaSession; errors: TpaError[] }> {
  cloud = await TestCloud.start({ settings: ackSettings });
  const session = sessionFor(cloud, { declaredSettings });
  const errors: TpaError[] = [];
  session.events.onError((error) => errors.push(error));
  await session.connect(SESSION_ID);
  return { session, errors };
}

describe('settings as key/value pairs (the real cloud, PROTOCOL.md W1)', () => {
  it('reads the values of an ack of pairs, with declared defaults for the rest', async () => {
    // As the real cloud's ack carries them: user.getAppSettings(pkg), key and value only.
    const { session, errors } = await connectedWith([
      { key: 'showTime', value: false },
      { key: 'units', value: 'imperial' },
    ]);
    expect(session.settings.get('showTime')).toBe(false);
    expect(session.settings.get('units')).toBe('imperial');
    expect(session.settings.get('greeting')).toBe('Hello');
    expect(session.settings.get('missing', 42)).toBe(42);
    expect(errors).toEqual([]);
    // The merged view: each declared setting with the cloud's value.
    expect(session.settings.all()).toEqual([
      { ...DECLARED[0], value: false },
      { ...DECLARED[1], value: 'imperial' },
      DECLARED[2],
    ]);
    await session.disconnect();
  });

  it('refuses a value its declaration rejects, naming the key, and the default stands', async () => {
    const { session, errors } = await connectedWith([
      { key: 'showTime', value: 'yes' },
      { key: 'units', value: 'furlongs' },
      { key: 'greeting', value: 'Hi' },
    ]);
    expect(session.settings.get('showTime')).toBe(true);
    expect(session.settings.get('units')).toBe('metric');
    expect(session.settings.get('greeting')).toBe('Hi');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'INVALID_SETTING' });
    expect(errors[0]?.message).toContain('"showTime" is a toggle');
    expect(errors[0]?.message).toContain('"units" is a select');
    await session.disconnect();
  });

  it('fires change handlers for a settings_update of pairs', async () => {
    const { session } = await connectedWith([{ key: 'units', value: 'metric' }]);
    const changes: unknown[] = [];
    session.events.onSettingChange('units', (value, previous) => changes.push([value, previous]));
    (await cloud.waitForConnection()).sendSettings([{ key: 'units', value: 'imperial' }, { key: 'showTime', value: true }]);
    await eventually(() => changes.length === 1);
    expect(changes).toEqual([['imperial', 'metric']]);
    await session.disconnect();
  });

  it('keeps working with no declaration at all: pairs are values as they are', async () => {
    const { session, errors } = await connectedWith([{ key: 'anything', value: { nested: [1, 2] } }], []);
    expect(session.settings.get('anything')).toEqual({ nested: [1, 2] });
    expect(session.settings.all()).toEqual([{ key: 'anything', value: { nested: [1, 2] } }]);
    expect(errors).toEqual([]);
    await session.disconnect();
  });

  it('learns the full declared shape the cloud sends on a first connection, then reads pairs against it', async () => {
    const { session } = await connectedWith(DECLARED.map((setting) => ({ ...setting, value: setting.defaultValue })), []);
    expect(session.settings.get('units')).toBe('metric');
    const errors: TpaError[] = [];
    session.events.onError((error) => errors.push(error));
    (await cloud.waitForConnection()).sendSettings([{ key: 'units', value: 'parsecs' }]);
    await eventually(() => errors.length === 1);
    expect(session.settings.get('units')).toBe('metric');
    await session.disconnect();
  });
});

describe('POST /settings with pairs', () => {
  it('applies them to every live session of that user, checked against the declaration', async () => {
    cloud = await TestCloud.start({ apiKey: API_KEY });
    const seen: unknown[] = [];
    class App extends TpaServer {
      protected override async onSession(session: TpaSession): Promise<void> {
        session.events.onSettingChange('units', (value) => seen.push(value));
      }
    }
    const server = new App({
      packageName: PACKAGE,
      apiKey: API_KEY,
      host: '127.0.0.1',
      port: 0,
      augmentOSWebsocketUrl: cloud.url,
      tpaConfig: { name: 'Test', description: 'settings', version: '1.0.0', settings: DECLARED },
    });
    const base = (await server.start()).url;
    try {
      expect((await post(`${base}/webhook`, sessionRequest('ivy', cloud.url))).status).toBe(200);
      const session = server.getSessions()[0]!;
      expect(session.settings.get('units')).toBe('metric');
      const reply = await post(`${base}/settings`, { userIdForSettings: 'ivy', settings: [{ key: 'units', value: 'imperial' }] });
      expect(reply).toMatchObject({ status: 200, body: { sessionsUpdated: 1 } });
      expect(session.settings.get('units')).toBe('imperial');
      expect(seen).toEqual(['imperial']);
    } finally {
      await server.stop();
    }
  });
});
