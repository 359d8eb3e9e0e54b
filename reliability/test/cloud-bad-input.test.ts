import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaSession, type TpaError } from '@tpa/sdk';
import {
  buildConnectionAck,
  buildDataStream,
  buildTpaConnectionError,
  makeSessionId,
  parseStreamData,
  StreamType,
  type ProtocolErrorCode,
  type TypedStream,
} from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck, type TestCloudConnection } from '@tpa/sdk/testing';
import { captureLog, type CapturedLog } from './support/log-capture.js';
import { eventually } from './support/waiting.js';

/**
 * Bad input from the cloud to a session, beyond what the SDK's own tests send: each is answered by
 * a typed `error` event or a log line, the session keeps working, and no handler ever sees it.
 */

const PACKAGE = 'com.example.reliability';
const SESSION_ID = makeSessionId('bad-input@example.com', PACKAGE);
const MAX_MESSAGE_BYTES = 4_096;
/** Every typed stream the test app handles; `glasses_connection_state` stays unsubscribed on purpose. */
const HANDLED: readonly TypedStream[] = [
  'phone_notification',
  'notification_dismissed',
  'head_position',
  'button_press',
  'glasses_battery_update',
  'phone_battery_update',
  'location_update',
  'calendar_event',
  'VAD',
  'transcription',
];
const TRANSLATION_PAIR = ['es-ES', 'en-US'] as const;

interface Delivery {
  readonly stream: string;
  readonly data: Record<string, unknown>;
}

let leaks: LeakCheck;
let cloud: TestCloud;
let log: CapturedLog;
let session: TpaSession;
let app: TestCloudConnection;
let errors: TpaError[];
let delivered: Delivery[];

async function startSession(options: { handlers?: boolean } = {}): Promise<void> {
  log = captureLog();
  session = new TpaSession({
    packageName: PACKAGE,
    apiKey: 'key',
    augmentOSWebsocketUrl: cloud.url,
    logger: log.logger,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    connectTimeoutMs: 2_000,
    reconnect: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, deadlineMs: 2_000 },
  });
  errors = [];
  delivered = [];
  session.events.onError((error) => errors.push(error));
  if (options.handlers ?? true) {
    for (const stream of HANDLED) session.events.on(stream as string, (data) => delivered.push({ stream, data }));
    session.events.onTranslation(...TRANSLATION_PAIR, (data) => delivered.push({ stream: 'translation', data }));
  }
  await session.connect(SESSION_ID);
  app = await cloud.waitForConnection((connection) => !connection.closed);
  if (options.handlers ?? true) await app.waitForMessage('subscription_update');
}

/** The session still delivers events and still draws on the glasses. */
async function expectStillWorking(label: string): Promise<void> {
  const buttonId = `alive-${label}`;
  app.sendData(StreamType.BUTTON_PRESS, { buttonId, pressType: 'short' });
  await eventually(() => delivered.some((entry) => entry.data.buttonId === buttonId), `"${buttonId}" to reach its handler`);
  expect(session.state).toBe('connected');
  expect(session.layouts.showTextWall(label)).toBe('sent');
  await app.waitForMessage('display_event', (message) => message.layout.layoutType === 'text_wall' && message.layout.text === label);
}

/** What the handlers saw is valid data of their stream, and none of it came from a bad frame. */
function expectHandlersSawOnlyValidData(): void {
  for (const { stream, data } of delivered) {
    expect(data.probe, `a handler of ${stream} saw a bad frame's data`).not.toBe('bad');
    expect(parseStreamData(stream, data).ok, `a handler of ${stream} saw data that breaks its type: ${JSON.stringify(data)}`).toBe(true);
  }
}

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start();
});

afterEach(async () => {
  await session.disconnect();
  await cloud.close();
  leaks.uninstallAndAssert();
});

const bad = { probe: 'bad' };
const words = { text: 'hello', isFinal: true, startTime: 0, endTime: 10, ...bad };

/** Data of each handled stream with one field of the wrong type (or out of its range). */
const WRONG_FIELD_TYPES: ReadonlyArray<[stream: string, field: string, data: Record<string, unknown>]> = [
  ['phone_notification', 'title: 42', { notificationId: 'n1', app: 'Mail', title: 42, content: 'x', priority: 'normal', ...bad }],
  ['phone_notification', 'priority: "urgent"', { notificationId: 'n1', app: 'Mail', title: 't', content: 'x', priority: 'urgent', ...bad }],
  ['notification_dismissed', 'notificationId: 7', { notificationId: 7, ...bad }],
  ['head_position', 'position: "sideways"', { position: 'sideways', ...bad }],
  ['button_press', 'pressType: 2', { buttonId: 'main', pressType: 2, ...bad }],
  ['glasses_battery_update', 'level: 150', { level: 150, charging: true, ...bad }],
  ['phone_battery_update', 'charging: "yes"', { level: 50, charging: 'yes', ...bad }],
  ['location_update', 'lat: "north"', { lat: 'north', lng: 0, ...bad }],
  ['location_update', 'lat: 91', { lat: 91, lng: 0, ...bad }],
  ['calendar_event', 'dtStart: a number', { eventId: 'e1', title: 'Standup', dtStart: 20250401, dtEnd: 'x', ...bad }],
  ['VAD', 'status: 1', { status: 1, ...bad }],
  ['transcription', 'text: null', { ...words, text: null }],
  ['transcription', 'isFinal: "yes"', { ...words, isFinal: 'yes' }],
  ['translation', 'startTime: "0"', { ...words, startTime: '0', transcribeLanguage: 'es-ES', translateLanguage: 'en-US' }],
];

type Outcome = { readonly error: ProtocolErrorCode | 'CLOUD_ERROR'; readonly message?: RegExp } | { readonly log: RegExp };

const CASES: ReadonlyArray<[name: string, send: (app: TestCloudConnection) => void, outcome: Outcome]> = [
  ['JSON null', (a) => a.send('null'), { error: 'NOT_AN_OBJECT' }],
  ['a JSON number', (a) => a.send('42'), { error: 'NOT_AN_OBJECT' }],
  ['a JSON string', (a) => a.send('"data_stream"'), { error: 'NOT_AN_OBJECT' }],
  ['an object without a type', (a) => a.send({ sessionId: SESSION_ID, data: bad }), { error: 'MISSING_TYPE' }],
  ['a type that is not a string', (a) => a.send({ type: ['data_stream'], data: bad }), { error: 'MISSING_TYPE' }],
  ['a type named like an Object property', (a) => a.send({ type: '__proto__', data: bad }), { error: 'UNKNOWN_TYPE' }],
  ['a data_stream with no data', (a) => a.send({ ...buildDataStream(SESSION_ID, 'button_press', {}), data: undefined }), { error: 'INVALID_MESSAGE', message: /data/ }],
  ['a data_stream whose data is null', (a) => a.send({ ...buildDataStream(SESSION_ID, 'button_press', {}), data: null }), { error: 'INVALID_MESSAGE', message: /data/ }],
  ['a data_stream whose data is an array', (a) => a.send({ ...buildDataStream(SESSION_ID, 'button_press', {}), data: [bad] }), { error: 'INVALID_MESSAGE', message: /data/ }],
  ['a data_stream with no stream type', (a) => a.send({ ...buildDataStream(SESSION_ID, '', bad), streamType: undefined }), { error: 'INVALID_MESSAGE', message: /streamType/ }],
  ['a data_stream with an empty stream type', (a) => a.send(buildDataStream(SESSION_ID, '', bad)), { error: 'INVALID_MESSAGE', message: /streamType/ }],
  ['a data_stream with a numeric stream type', (a) => a.send({ ...buildDataStream(SESSION_ID, '', bad), streamType: 7 }), { error: 'INVALID_MESSAGE', message: /streamType/ }],
  ['a data_stream with an unreadable timestamp', (a) => a.send({ ...buildDataStream(SESSION_ID, 'button_press', { buttonId: 'b', pressType: 'short', ...bad }), timestamp: 'yesterday' }), { error: 'INVALID_MESSAGE', message: /timestamp/ }],
  ...WRONG_FIELD_TYPES.map(([stream, field, data]): [string, (a: TestCloudConnection) => void, Outcome] => [
    `${stream} data with ${field}`,
    (a) => a.sendData(stream, data),
    { error: 'INVALID_MESSAGE', message: new RegExp(`${stream} data`) },
  ]),
  ['a data_stream of a stream the app did not subscribe to', (a) => a.sendData('glasses_connection_state', { modelName: 'G1', status: 'ok', ...bad }), { log: /no handler/ }],
  ['a data_stream of a stream that does not exist', (a) => a.sendData('teleport', bad), { log: /no handler/ }],
  ['a translation of a pair the app did not ask for', (a) => a.sendData('translation', { ...words, transcribeLanguage: 'fr-FR', translateLanguage: 'en-US' }), { log: /no handler/ }],
  ['tpa_connection_error after the ack', (a) => a.send(buildTpaConnectionError('quota exceeded', 'QUOTA')), { error: 'CLOUD_ERROR', message: /quota exceeded/ }],
  ['a second tpa_connection_ack', (a) => a.send(buildConnectionAck(SESSION_ID, [{ type: 'toggle', key: 'probe', label: 'bad', defaultValue: true }])), { log: /duplicate tpa_connection_ack/ }],
  ['a settings_update with a setting that has no key', (a) => a.send({ type: 'settings_update', packageName: PACKAGE, sessionId: SESSION_ID, settings: [{ type: 'toggle', label: 'x', defaultValue: true }], timestamp: new Date().toISOString() }), { error: 'INVALID_SETTING', message: /settings/ }],
  ['an app_stopped with a reason the protocol does not have', (a) => a.send({ type: 'app_stopped', reason: 'bored' }), { error: 'INVALID_MESSAGE', message: /reason/ }],
  ['a binary frame, with no audio handler', (a) => a.send(Buffer.from([0, 1, 2, 3])), { log: /binary frame/ }],
  ['a binary frame that holds a JSON message', (a) => a.send(Buffer.from(JSON.stringify(buildDataStream(SESSION_ID, 'button_press', { buttonId: 'b', pressType: 'short', ...bad })))), { log: /binary frame/ }],
  // ws does not check UTF-8 for the SDK: the bytes fail as JSON instead of closing the socket (1007).
  ['a text frame that is not UTF-8', (a) => a.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }), { error: 'INVALID_UTF8' }],
  ['a frame one byte over the limit', (a) => a.send(JSON.stringify({ ...buildDataStream(SESSION_ID, 'button_press', bad), pad: '' }).padEnd(MAX_MESSAGE_BYTES + 1, ' ')), { error: 'FRAME_TOO_LARGE' }],
];

describe('bad input from the cloud never reaches a handler, and the session keeps working', () => {
  it.each(CASES)('%s', async (name, send, outcome) => {
    await startSession();
    const settingsBefore = session.settings.all();
    send(app);
    await expectStillWorking(name);
    if ('error' in outcome) {
      expect(errors.map((error) => error.code)).toEqual([outcome.error]);
      expect(errors[0]?.message).toMatch(outcome.message ?? /./);
    } else {
      expect(errors).toEqual([]);
      expect(log.matching(outcome.log), `a log line matching ${outcome.log}`).not.toHaveLength(0);
    }
    expect(session.settings.all()).toEqual(settingsBefore);
    expectHandlersSawOnlyValidData();
  });

  it('logs a data_stream that arrives while the app has no handler at all', async () => {
    await startSession({ handlers: false });
    app.sendData('phone_notification', { notificationId: 'n1', app: 'Mail', title: 't', content: 'c', priority: 'low' });
    app.send(Buffer.from([1, 2, 3]));
    await eventually(() => log.matching(/no handler/).length === 1 && log.matching(/binary frame/).length === 1, 'a log line for each frame');
    expect(errors).toEqual([]);
  });

  it('accepts a frame of exactly the size limit', async () => {
    await startSession();
    const frame = JSON.stringify({ ...buildDataStream(SESSION_ID, 'head_position', { position: 'up' }), pad: '' });
    app.send(frame.replace('"pad":""', `"pad":"${'x'.repeat(MAX_MESSAGE_BYTES - Buffer.byteLength(frame))}"`));
    await eventually(() => delivered.some((entry) => entry.stream === 'head_position'), 'the frame at the limit to be delivered');
    expect(errors).toEqual([]);
  });
});

describe('a flood of 10,000 messages', () => {
  it('delivers every valid one in order, reports every bad one, and the session stays responsive', async () => {
    await startSession();
    const total = 10_000;
    let valid = 0;
    let invalid = 0;
    for (let index = 0; index < total; index++) {
      if (index % 10 === 3) {
        app.send('{"type":"data_stream",');
        invalid++;
      } else if (index % 10 === 7) {
        app.sendData('button_press', { buttonId: `b${index}`, pressType: 'double', ...bad });
        invalid++;
      } else {
        app.sendData('button_press', { buttonId: `b${index}`, pressType: 'short' });
        valid++;
      }
    }
    await eventually(() => delivered.length === valid && errors.length === invalid, `${valid} deliveries and ${invalid} errors`, 15_000);
    const order = delivered.map((entry) => Number(String(entry.data.buttonId).slice(1)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(['INVALID_JSON', 'INVALID_MESSAGE']));
    await expectStillWorking('after the flood');
    expectHandlersSawOnlyValidData();
  }, 30_000);
});
