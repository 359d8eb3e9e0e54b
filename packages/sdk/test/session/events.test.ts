import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidSubscriptionError, isVoiceActive, type TpaError, type TpaSession } from '@tpa/sdk';
import { installLeakCheck, TestCloud, type LeakCheck, type TestCloudConnection } from '@tpa/sdk/testing';
import { SESSION_ID, eventually, sessionFor } from './helpers.js';

let cloud: TestCloud;
let leaks: LeakCheck;
let session: TpaSession;
let app: TestCloudConnection;
let errors: TpaError[];

const notification = { notificationId: 'n1', app: 'Messages', title: 'Bob', content: 'Lunch?', priority: 'normal', timestamp: 1743501600000 };
const words = (text: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ text, isFinal: true, startTime: 0, endTime: 100, ...extra });

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start();
  session = sessionFor(cloud);
  errors = [];
  session.events.onError((error) => errors.push(error));
  await session.connect(SESSION_ID);
  app = await cloud.waitForConnection();
});

afterEach(async () => {
  await session.disconnect();
  await cloud.close();
  leaks.uninstallAndAssert();
});

describe('subscriptions follow handlers', () => {
  it('subscribes on the first handler and sends the full list, batched per tick', async () => {
    session.events.onPhoneNotifications(() => undefined);
    session.events.onHeadPosition(() => undefined);
    session.events.onHeadPosition(() => undefined);
    const update = await app.waitForMessage('subscription_update');
    expect(update.subscriptions).toEqual(['phone_notification', 'head_position']);
    expect(update.sessionId).toBe(SESSION_ID);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.messages.filter((message) => message.type === 'subscription_update')).toHaveLength(1);
  });

  it('unsubscribes when the last handler of a stream goes, and only then', async () => {
    const first = session.events.onButtonPress(() => undefined);
    const second = session.events.onButtonPress(() => undefined);
    const battery = session.events.onGlassesBattery(() => undefined);
    await eventually(() => app.subscriptions.length === 2);
    first();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.subscriptions).toEqual(['button_press', 'glasses_battery_update']);
    second.dispose();
    await app.waitForMessage('subscription_update', (update) => update.subscriptions.length === 1);
    expect(app.subscriptions).toEqual(['glasses_battery_update']);
    battery[Symbol.dispose]();
    await app.waitForMessage('subscription_update', (update) => update.subscriptions.length === 0);
  });

  it('keeps explicit subscriptions from subscribe() apart from handlers', async () => {
    session.subscribe('VAD');
    const off = session.events.onVoiceActivity(() => undefined);
    await eventually(() => app.subscriptions.includes('VAD'));
    off();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.subscriptions).toEqual(['VAD']);
    session.unsubscribe('VAD');
    await app.waitForMessage('subscription_update', (update) => update.subscriptions.length === 0);
  });

  it('refuses stream names the cloud would refuse', () => {
    expect(() => session.subscribe('vad')).toThrow(InvalidSubscriptionError);
    expect(() => session.events.on('notifications', () => undefined)).toThrow(/not a stream the cloud accepts/);
    expect(() => session.events.onTranscriptionForLanguage('french', () => undefined)).toThrow(RangeError);
  });
});

describe('delivery', () => {
  it('delivers typed data, with the phone fields kept', async () => {
    const received: unknown[] = [];
    session.events.onPhoneNotifications((data) => received.push(data));
    await app.waitForMessage('subscription_update');
    app.sendData('phone_notification', { ...notification, packageName: 'com.android.messages' });
    await eventually(() => received.length === 1);
    expect(received[0]).toMatchObject({ app: 'Messages', title: 'Bob', packageName: 'com.android.messages' });
  });

  it('routes transcription by language, accepting both streamType forms', async () => {
    const english: string[] = [];
    const french: string[] = [];
    session.events.onTranscription((data) => english.push(data.text));
    session.events.onTranscriptionForLanguage('fr-FR', (data) => french.push(data.text));
    await app.waitForMessage('subscription_update');
    app.sendData('transcription', words('hello'));
    app.sendData('transcription', words('bonjour', { transcribeLanguage: 'fr-FR' }));
    app.sendData('transcription:en-US', words('later dialect'));
    app.sendData('transcription:fr-FR', words('dialecte'));
    await eventually(() => english.length === 2 && french.length === 2);
    expect(english).toEqual(['hello', 'later dialect']);
    expect(french).toEqual(['bonjour', 'dialecte']);
  });

  it('delivers translation only for its language pair', async () => {
    const got: string[] = [];
    session.events.onTranslation('es-ES', 'en-US', (data) => got.push(data.text));
    await app.waitForMessage('subscription_update');
    app.sendData('translation', words('wrong pair', { transcribeLanguage: 'fr-FR', translateLanguage: 'en-US' }));
    app.sendData('translation', words('right pair', { transcribeLanguage: 'es-ES', translateLanguage: 'en-US' }));
    await eventually(() => got.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(got).toEqual(['right pair']);
  });

  it('reports invalid data as an error event and never delivers it', async () => {
    const received: unknown[] = [];
    session.events.onVoiceActivity((data) => received.push(isVoiceActive(data)));
    await app.waitForMessage('subscription_update');
    app.sendData('VAD', { status: 'perhaps' });
    app.sendData('VAD', { status: 'true' });
    await eventually(() => received.length === 1 && errors.length === 1);
    expect(received).toEqual([true]);
    expect(errors[0]).toMatchObject({ code: 'INVALID_MESSAGE', message: /VAD data/ });
  });

  it('turns a throwing or rejecting handler into an error event; the others still run', async () => {
    const seen: string[] = [];
    session.events.onHeadPosition(() => {
      throw new Error('handler bug');
    });
    session.events.onHeadPosition(async () => {
      throw new Error('async handler bug');
    });
    session.events.onHeadPosition((data) => seen.push(data.position));
    await app.waitForMessage('subscription_update');
    app.sendData('head_position', { position: 'up' });
    app.sendData('head_position', { position: 'down' });
    await eventually(() => seen.length === 2 && errors.length === 4);
    expect(seen).toEqual(['up', 'down']);
    expect(errors.map((error) => error.code)).toEqual(['HANDLER_FAILED', 'HANDLER_FAILED', 'HANDLER_FAILED', 'HANDLER_FAILED']);
    expect(session.state).toBe('connected');
  });

  it('delivers binary frames to audio handlers', async () => {
    const chunks: Buffer[] = [];
    session.events.onAudioChunk((chunk) => chunks.push(chunk));
    await app.waitForMessage('subscription_update');
    app.send(Buffer.from([1, 2, 3, 4]));
    await eventually(() => chunks.length === 1);
    expect([...(chunks[0] ?? [])]).toEqual([1, 2, 3, 4]);
  });

  it('reports bad frames and cloud errors as error events and keeps the connection', async () => {
    const seen: string[] = [];
    session.events.onButtonPress((data) => seen.push(data.pressType));
    await app.waitForMessage('subscription_update');
    app.send('{not json');
    app.send('[]');
    app.send({ type: 'teleport' });
    app.send({ type: 'capabilities_update', capabilities: null, modelName: null });
    app.send({ type: 'connection_error', message: 'Invalid subscription', timestamp: new Date().toISOString() });
    app.send('x'.repeat(2 * 1024 * 1024));
    app.sendData('button_press', { buttonId: 'main', pressType: 'long' });
    await eventually(() => seen.length === 1 && errors.length === 5);
    expect(errors.map((error) => error.code)).toEqual(['INVALID_JSON', 'NOT_AN_OBJECT', 'UNKNOWN_TYPE', 'CLOUD_ERROR', 'FRAME_TOO_LARGE']);
    expect(session.state).toBe('connected');
  });

  it('updates settings and reports each changed setting', async () => {
    const DURATIONS = [5, 7, 10].map((value) => ({ label: `${value} s`, value }));
    const changes: Array<[unknown, unknown]> = [];
    const updates: number[] = [];
    session.events.onSettingsUpdate((settings) => updates.push(settings.length));
    session.events.onSettingChange<number>('duration', (value, previous) => changes.push([value, previous]));
    app.sendSettings([{ type: 'select', key: 'duration', label: 'Duration', options: DURATIONS, defaultValue: 10, value: 5 }, { type: 'text', key: 'name', label: 'Name' }]);
    app.sendSettings([{ type: 'select', key: 'duration', label: 'Duration', options: DURATIONS, defaultValue: 10, value: 5 }]);
    app.sendSettings([{ type: 'select', key: 'duration', label: 'Duration', options: DURATIONS, defaultValue: 10, value: 7 }]);
    await eventually(() => updates.length === 3);
    expect(changes).toEqual([
      [5, undefined],
      [7, 5],
    ]);
    expect(session.settings.get('duration')).toBe(7);
  });

  it('registerEventHandler works for streams and session events', async () => {
    const seen: unknown[] = [];
    const off = session.registerEventHandler('head_position', (data: { position: string }) => seen.push(data.position));
    await app.waitForMessage('subscription_update');
    app.sendData('head_position', { position: 'down' });
    await eventually(() => seen.length === 1);
    off();
    expect(session.events.handlerCount).toBe(1); // the onError of beforeEach
  });
});

describe('layouts', () => {
  it('sends display events with the session id and the documented shape', async () => {
    expect(session.layouts.showTextWall('Hello', { durationMs: 3_000 })).toBe('sent');
    expect(session.layouts.showDoubleTextWall('top', 'bottom')).toBe('sent');
    expect(session.layouts.showReferenceCard('Notify', 'Connected', { view: 'main' })).toBe('sent');
    expect(session.layouts.showDashboardCard('Battery', '80%')).toBe('sent');
    expect(session.layouts.showBitmapView('aGVsbG8=')).toBe('sent');
    expect(session.layouts.clearView()).toBe('sent');
    await eventually(() => app.messages.filter((message) => message.type === 'display_event').length === 6);
    const displays = app.messages.filter((message) => message.type === 'display_event');
    expect(displays[0]).toMatchObject({ sessionId: SESSION_ID, view: 'main', durationMs: 3_000, layout: { layoutType: 'text_wall', text: 'Hello' } });
    expect(displays[3]).toMatchObject({ view: 'dashboard', layout: { layoutType: 'dashboard_card', leftText: 'Battery', rightText: '80%' } });
    expect(displays[5]).toMatchObject({ view: 'main', layout: { layoutType: 'text_wall', text: '' } });
    expect(displays[1]).not.toHaveProperty('durationMs');
  });

  it('throws a clear error for bad input and sends nothing', () => {
    expect(() => session.layouts.showTextWall(null as unknown as string)).toThrow(/text must be a string, got null/);
    expect(() => session.layouts.showTextWall({} as unknown as string)).toThrow(/text must be a string, got object/);
    expect(() => session.layouts.showTextWall('x', { durationMs: -5 })).toThrow(/durationMs/);
    expect(() => session.layouts.showTextWall('x', { view: 'side' as 'main' })).toThrow(/view/);
    expect(() => session.layouts.showBitmapView('x'.repeat(1024 * 1024 + 1))).toThrow(/data/);
  });

  it('accepts what the real SDK and cloud accepted (W2, W10): durationMs 0, a number as text, any bitmap string', async () => {
    expect(session.layouts.showTextWall('no expiry', { durationMs: 0 })).toBe('sent');
    expect(session.layouts.showTextWall(42 as unknown as string)).toBe('sent');
    expect(session.layouts.showBitmapView('not base64, as the real SDK let through')).toBe('sent');
    expect(session.layouts.showTextWall('until replaced', { durationMs: -1 })).toBe('sent');
    await eventually(() => app.messages.filter((message) => message.type === 'display_event').length === 4);
    const displays = app.messages.filter((message) => message.type === 'display_event');
    expect(displays[0]).toMatchObject({ durationMs: 0, layout: { text: 'no expiry' } });
    expect(displays[1]).toMatchObject({ layout: { text: '42' } });
    // The real cloud would expire a -1 at once: it goes out with no duration.
    expect(displays[3]).toMatchObject({ layout: { text: 'until replaced' } });
    expect(displays[3]).not.toHaveProperty('durationMs');
  });

  it('says ended, without throwing, once the session has ended', async () => {
    await session.disconnect();
    expect(session.layouts.showTextWall('too late')).toBe('ended');
  });
});
