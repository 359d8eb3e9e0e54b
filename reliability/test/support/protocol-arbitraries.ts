import fc from 'fast-check';
import {
  CloudToTpaMessageType,
  LATER_DIALECT_STREAM_TYPES,
  LATER_DIALECT_TPA_TO_CLOUD_TYPES,
  LayoutType,
  STREAM_TYPES,
  StreamType,
  TpaToCloudMessageType,
  ViewType,
  WebhookRequestType,
  type TypedStream,
} from '@tpa/sdk/protocol';

/**
 * fast-check arbitraries of VALID protocol values: every value they make is what the documented
 * protocol allows, so that a mutation of one is a realistic near-miss.
 */

const text = fc.string({ maxLength: 24 });
const nonEmpty = fc.string({ minLength: 1, maxLength: 24 });
const language = fc.constantFrom('en-US', 'fr-FR', 'es-ES', 'de-DE');

/** Either wire form: ISO text (the SDK, the cloud) or epoch milliseconds (the phone). */
export const wireTimestamp = fc.oneof(
  fc.date({ min: new Date(0), max: new Date(4_000_000_000_000), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.integer({ min: 0, max: 4_000_000_000_000 }),
);

const toggleSetting = fc.record(
  { type: fc.constant('toggle'), key: nonEmpty, label: text, defaultValue: fc.boolean(), value: fc.boolean() },
  { requiredKeys: ['type', 'key', 'label', 'defaultValue'] },
);
const textSetting = fc.record(
  { type: fc.constant('text'), key: nonEmpty, label: text, defaultValue: text, value: text },
  { requiredKeys: ['type', 'key', 'label'] },
);
const selectSetting = fc.record(
  {
    type: fc.constant('select'),
    key: nonEmpty,
    label: text,
    options: fc.array(fc.record({ label: text, value: fc.jsonValue({ maxDepth: 1 }) }), { maxLength: 3 }),
    defaultValue: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['type', 'key', 'label', 'options'] },
);
/** A setting type the later cloud added, which the SDK tolerates. */
const laterSetting = fc.record({ type: fc.constantFrom('slider', 'multiselect'), key: nonEmpty, label: text, value: fc.integer() });
export const appSetting = fc.oneof(toggleSetting, textSetting, selectSetting, laterSetting);

const transcription = {
  text,
  isFinal: fc.boolean(),
  transcribeLanguage: language,
  startTime: fc.integer({ min: 0 }),
  endTime: fc.integer({ min: 0 }),
  speakerId: text,
  duration: fc.integer({ min: 0 }),
};
const transcriptionRequired = ['text', 'isFinal', 'startTime', 'endTime'] as const;

/** Valid `data` for each stream that has a schema. */
export const STREAM_DATA: { [K in TypedStream]: fc.Arbitrary<Record<string, unknown>> } = {
  phone_notification: fc.record(
    { notificationId: nonEmpty, app: text, title: text, content: text, priority: fc.constantFrom('low', 'normal', 'high'), timestamp: wireTimestamp },
    { requiredKeys: ['notificationId', 'app', 'title', 'content', 'priority'] },
  ),
  notification_dismissed: fc.record({ notificationId: nonEmpty }),
  head_position: fc.record({ position: fc.constantFrom('up', 'down') }),
  button_press: fc.record({ buttonId: text, pressType: fc.constantFrom('short', 'long') }),
  glasses_battery_update: fc.record(
    { level: fc.double({ min: 0, max: 100, noNaN: true }), charging: fc.boolean(), timeRemaining: fc.integer({ min: 0 }) },
    { requiredKeys: ['level', 'charging'] },
  ),
  phone_battery_update: fc.record({ level: fc.integer({ min: 0, max: 100 }), charging: fc.boolean() }),
  location_update: fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lng: fc.double({ min: -180, max: 180, noNaN: true }) }),
  calendar_event: fc.record(
    { eventId: text, title: text, dtStart: text, dtEnd: text, timezone: text, timeZone: text, timestamp: wireTimestamp },
    { requiredKeys: ['eventId', 'title', 'dtStart', 'dtEnd'] },
  ),
  VAD: fc.record({ status: fc.constantFrom(true, false, 'true', 'false') }),
  transcription: fc.record(transcription, { requiredKeys: [...transcriptionRequired] }),
  translation: fc.record(
    { ...transcription, translateLanguage: language, originalText: text, didTranslate: fc.boolean() },
    { requiredKeys: [...transcriptionRequired, 'translateLanguage'] },
  ),
  glasses_connection_state: fc.record({ modelName: text, status: text }),
};
export const TYPED_STREAMS = Object.keys(STREAM_DATA) as TypedStream[];

/** A stream and data that fits it; `streamType` in either form the cloud may send. */
export const streamEvent: fc.Arbitrary<{ streamType: string; data: Record<string, unknown> }> = fc.oneof(
  ...TYPED_STREAMS.map((stream) => STREAM_DATA[stream].map((data) => ({ streamType: stream, data }))),
  STREAM_DATA.transcription.map((data) => ({ streamType: 'transcription:en-US', data })),
  fc.dictionary(nonEmpty, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((data) => ({ streamType: StreamType.START_APP, data })),
);

/** Every stream name the parsers may meet, plus names that are not streams at all. */
export const anyStreamType = fc.oneof(
  fc.constantFrom(...STREAM_TYPES, ...LATER_DIALECT_STREAM_TYPES, 'transcription:fr-FR', 'translation:es-ES-to-en-US', 'transcription:auto', 'touch_event:double_tap'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ':', 'transcription:', 'translation:xx-to-yy'),
  fc.string({ maxLength: 30 }),
);

const sessionId = fc.tuple(nonEmpty, nonEmpty).map(([user, pkg]) => `${user}-${pkg}`);

export const cloudToTpaMessage = fc.oneof(
  fc.record(
    { type: fc.constant(CloudToTpaMessageType.CONNECTION_ACK), sessionId, timestamp: wireTimestamp, settings: fc.array(appSetting, { maxLength: 3 }) },
    { requiredKeys: ['type', 'sessionId', 'timestamp'] },
  ),
  fc.record({ type: fc.constant(CloudToTpaMessageType.TPA_CONNECTION_ERROR), message: text, code: text }, { requiredKeys: ['type', 'message'] }),
  fc.record({ type: fc.constant(CloudToTpaMessageType.CONNECTION_ERROR), message: text, timestamp: wireTimestamp }, { requiredKeys: ['type', 'message'] }),
  fc.tuple(sessionId, streamEvent, wireTimestamp).map(([id, event, timestamp]) => ({ type: CloudToTpaMessageType.DATA_STREAM, sessionId: id, ...event, timestamp })),
  fc.record({ type: fc.constant(CloudToTpaMessageType.SETTINGS_UPDATE), packageName: text, sessionId, settings: fc.array(appSetting, { maxLength: 3 }), timestamp: wireTimestamp }),
  fc.record(
    { type: fc.constant(CloudToTpaMessageType.APP_STOPPED), reason: fc.constantFrom('user_disabled', 'system_stop', 'error'), message: text },
    { requiredKeys: ['type', 'reason'] },
  ),
);

const layout = fc.oneof(
  fc.record({ layoutType: fc.constant(LayoutType.TEXT_WALL), text }),
  fc.record({ layoutType: fc.constant(LayoutType.DOUBLE_TEXT_WALL), topText: text, bottomText: text }),
  fc.record({ layoutType: fc.constant(LayoutType.REFERENCE_CARD), title: text, text }),
  fc.record({ layoutType: fc.constant(LayoutType.DASHBOARD_CARD), leftText: text, rightText: text }),
  fc.record({ layoutType: fc.constant(LayoutType.BITMAP_VIEW), data: fc.base64String({ maxLength: 40 }) }),
  fc.record({ layoutType: fc.constant(LayoutType.CLEAR_VIEW) }),
);
const subscription = fc.oneof(
  fc.constantFrom(...STREAM_TYPES, 'transcription:en-US', 'translation:es-ES-to-en-US'),
  fc.constant({ stream: 'location_stream', rate: 'standard' }),
);

export const tpaToCloudMessage = fc.oneof(
  fc.record(
    { type: fc.constant(TpaToCloudMessageType.CONNECTION_INIT), packageName: nonEmpty, sessionId, apiKey: text, timestamp: wireTimestamp },
    { requiredKeys: ['type', 'packageName', 'sessionId', 'apiKey'] },
  ),
  fc.record(
    { type: fc.constant(TpaToCloudMessageType.SUBSCRIPTION_UPDATE), packageName: nonEmpty, sessionId, subscriptions: fc.array(subscription, { maxLength: 4 }), timestamp: wireTimestamp },
    { requiredKeys: ['type', 'packageName', 'subscriptions'] },
  ),
  fc.record(
    {
      type: fc.constant(TpaToCloudMessageType.DISPLAY_EVENT),
      packageName: nonEmpty,
      sessionId: fc.oneof(sessionId, fc.constant('')),
      view: fc.constantFrom(ViewType.MAIN, ViewType.DASHBOARD, ViewType.ALWAYS_ON),
      layout,
      durationMs: fc.oneof(fc.constant(-1), fc.integer({ min: 1 })),
      forceDisplay: fc.boolean(),
      timestamp: wireTimestamp,
    },
    { requiredKeys: ['type', 'packageName', 'view', 'layout'] },
  ),
  fc.record({ type: fc.constantFrom(...LATER_DIALECT_TPA_TO_CLOUD_TYPES), packageName: text }, { requiredKeys: ['type'] }),
);

const socketUrl = fc.constantFrom('ws://127.0.0.1:8002/tpa-ws', 'wss://prod.augmentos.cloud/tpa-ws', 'wss://api.mentra.glass/app-ws');

export const webhookRequest = fc.oneof(
  fc.record(
    {
      type: fc.constant(WebhookRequestType.SESSION_REQUEST),
      sessionId: nonEmpty,
      userId: nonEmpty,
      timestamp: wireTimestamp,
      augmentOSWebsocketUrl: socketUrl,
      mentraOSWebsocketUrl: socketUrl,
    },
    { requiredKeys: ['type', 'sessionId', 'userId', 'timestamp'] },
  ),
  fc.record({
    type: fc.constant(WebhookRequestType.STOP_REQUEST),
    sessionId: nonEmpty,
    userId: nonEmpty,
    reason: fc.constantFrom('user_disabled', 'system_stop', 'error'),
    timestamp: wireTimestamp,
  }),
);

export const settingsRequest = fc.record({ userIdForSettings: nonEmpty, settings: fc.array(appSetting, { maxLength: 4 }) });

/** Every `type` a parser of either direction knows, to swap one message's type for another's. */
export const KNOWN_TYPES: readonly string[] = [
  ...Object.values(CloudToTpaMessageType),
  ...Object.values(TpaToCloudMessageType),
  ...LATER_DIALECT_TPA_TO_CLOUD_TYPES,
  ...Object.values(WebhookRequestType),
];
