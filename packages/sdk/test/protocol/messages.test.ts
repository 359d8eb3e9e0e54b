import { describe, expect, it } from 'vitest';
import {
  buildConnectionAck,
  buildConnectionInit,
  buildDataStream,
  buildDisplayEvent,
  buildSubscriptionUpdate,
  calendarTimezone,
  invalidSubscriptions,
  isLaterDialectTpaMessage,
  isVoiceActive,
  layouts,
  parseCloudToTpaMessage,
  parseStreamData,
  parseTpaToCloudMessage,
  readSettings,
  timestampToDate,
  type ProtocolErrorCode,
} from '@tpa/sdk/protocol';

const sessionId = 'alice@example.com-com.augmentos.notify';

describe('cloud -> TPA messages', () => {
  it('parses an ack with and without settings', () => {
    const bare = parseCloudToTpaMessage(JSON.stringify({ type: 'tpa_connection_ack', sessionId, timestamp: '2025-04-01T10:00:00.000Z' }));
    expect(bare).toMatchObject({ ok: true, value: { type: 'tpa_connection_ack', sessionId } });
    const withSettings = parseCloudToTpaMessage(
      buildConnectionAck(sessionId, [{ type: 'toggle', key: 'sound', label: 'Sound', defaultValue: true, value: false }]),
    );
    expect(withSettings.ok && withSettings.value.type === 'tpa_connection_ack' && withSettings.value.settings).toEqual([
      { type: 'toggle', key: 'sound', label: 'Sound', defaultValue: true, value: false },
    ]);
  });

  it('accepts the later dialect ack fields and settings types it does not know', () => {
    const parsed = parseCloudToTpaMessage({
      type: 'tpa_connection_ack',
      sessionId,
      timestamp: new Date().toISOString(),
      mentraosSettings: { metricSystemEnabled: true },
      capabilities: { hasCamera: false },
      settings: [{ type: 'slider', key: 'speed', label: 'Speed', min: 0, max: 10, value: 3 }],
    });
    expect(parsed.ok).toBe(true);
  });

  it('reads settings one by one: a bad setting is reported and the others kept', () => {
    const { settings, errors } = readSettings([
      { type: 'toggle', key: 'sound', label: 'Sound', defaultValue: true },
      { type: 'toggle', key: 'bad', label: 'Bad', defaultValue: 'yes' },
      { type: 'text', key: 'name' },
      'junk',
    ]);
    expect(settings.map((setting) => setting.key)).toEqual(['sound']);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/setting "bad" at settings\[1\] is invalid/),
      expect.stringMatching(/setting "name" at settings\[2\]/),
      expect.stringMatching(/settings\[3\]/),
    ]);
  });

  it('parses connection_error, the error the real cloud actually sends', () => {
    const parsed = parseCloudToTpaMessage('{"type":"connection_error","message":"Invalid subscription","timestamp":"2025-04-01T10:00:00Z"}');
    expect(parsed).toMatchObject({ ok: true, value: { type: 'connection_error', message: 'Invalid subscription' } });
  });

  it('keeps the phone fields of a data_stream and accepts numeric phone timestamps', () => {
    const raw = {
      type: 'data_stream',
      sessionId,
      streamType: 'phone_notification',
      timestamp: '2025-04-01T10:00:00.000Z',
      data: {
        type: 'phone_notification',
        notificationId: 'n1',
        app: 'Messages',
        title: 'Bob',
        content: 'Lunch?',
        priority: 'normal',
        timestamp: 1743501600000,
        packageName: 'com.google.android.apps.messaging',
      },
    };
    const parsed = parseCloudToTpaMessage(JSON.stringify(raw));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.type !== 'data_stream') return;
    const data = parseStreamData(parsed.value.streamType, parsed.value.data);
    expect(data).toMatchObject({ ok: true, value: { stream: 'phone_notification', data: { app: 'Messages', packageName: 'com.google.android.apps.messaging' } } });
    expect(timestampToDate(1743501600000).toISOString()).toBe('2025-04-01T10:00:00.000Z');
    expect(timestampToDate('2025-04-01T10:00:00.000Z').getTime()).toBe(1743501600000);
  });

  it('validates stream data by the base stream, language-qualified or not', () => {
    const words = { text: 'hello', isFinal: true, startTime: 0, endTime: 500 };
    expect(parseStreamData('transcription', words)).toMatchObject({ ok: true, value: { stream: 'transcription' } });
    expect(parseStreamData('transcription:en-US', words)).toMatchObject({ ok: true, value: { stream: 'transcription' } });
    const bad = parseStreamData('transcription', { text: 42 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('INVALID_MESSAGE');
      expect(bad.error.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['text', 'isFinal']));
    }
  });

  it('reads both forms of VAD status and both spellings of the calendar time zone', () => {
    for (const [status, active] of [[true, true], ['true', true], [false, false], ['false', false]] as const) {
      const parsed = parseStreamData('VAD', { status });
      expect(parsed.ok && parsed.value.typed && parsed.value.stream === 'VAD' && isVoiceActive(parsed.value.data)).toBe(active);
    }
    expect(parseStreamData('VAD', { status: 'maybe' }).ok).toBe(false);
    const event = { eventId: 'e', title: 'Standup', dtStart: '2025-04-01T09:00', dtEnd: '2025-04-01T09:15' };
    const phone = parseStreamData('calendar_event', { ...event, timeZone: 'Europe/Paris' });
    expect(phone.ok && phone.value.typed && phone.value.stream === 'calendar_event' && calendarTimezone(phone.value.data)).toBe('Europe/Paris');
  });

  it('passes through streams without a data schema as objects', () => {
    expect(parseStreamData('start_app', { packageName: 'x' })).toMatchObject({ ok: true, value: { typed: false, stream: 'start_app' } });
    expect(parseStreamData('start_app', 'nope').ok).toBe(false);
  });
});

describe('malformed cloud messages come back as typed errors', () => {
  const cases: Array<[string, unknown, ProtocolErrorCode, RegExp]> = [
    ['broken JSON', '{"type":"data_stream",', 'INVALID_JSON', /not valid JSON/],
    ['empty text', '', 'INVALID_JSON', /not valid JSON/],
    ['null', 'null', 'NOT_AN_OBJECT', /got null/],
    ['an array', '[1,2]', 'NOT_AN_OBJECT', /got an array/],
    ['a number', '42', 'NOT_AN_OBJECT', /got a number/],
    ['no type', '{"sessionId":"x"}', 'MISSING_TYPE', /no string "type"/],
    ['a numeric type', '{"type":7}', 'MISSING_TYPE', /no string "type"/],
    ['an unknown type', '{"type":"teleport"}', 'UNKNOWN_TYPE', /unknown cloud message type "teleport"/],
    ['a prototype key as type', '{"type":"__proto__"}', 'UNKNOWN_TYPE', /__proto__/],
    ['data_stream without data', { type: 'data_stream', sessionId, streamType: 'VAD', timestamp: 1 }, 'INVALID_MESSAGE', /data/],
    ['data_stream without streamType', { type: 'data_stream', sessionId, data: {}, timestamp: 1 }, 'INVALID_MESSAGE', /streamType/],
    ['data_stream with string data', { type: 'data_stream', sessionId, streamType: 'VAD', data: 'x', timestamp: 1 }, 'INVALID_MESSAGE', /data/],
    ['ack with a bad timestamp', { type: 'tpa_connection_ack', sessionId, timestamp: 'yesterday' }, 'INVALID_MESSAGE', /timestamp/],
    ['ack whose settings are not a list', { type: 'tpa_connection_ack', sessionId, timestamp: 1, settings: { sound: true } }, 'INVALID_MESSAGE', /settings/],
    ['settings_update without settings', { type: 'settings_update', packageName: 'p', sessionId, timestamp: 1 }, 'INVALID_MESSAGE', /settings/],
    ['app_stopped with an unknown reason', { type: 'app_stopped', reason: 'bored' }, 'INVALID_MESSAGE', /reason/],
  ];

  it.each(cases)('%s', (_name, input, code, message) => {
    const parsed = parseCloudToTpaMessage(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.message).toMatch(message);
    expect(parsed.error).toBeInstanceOf(Error);
  });

  it('refuses a frame over the size limit before parsing it', () => {
    const parsed = parseCloudToTpaMessage(Buffer.alloc(2048, 0x20), { maxBytes: 1024 });
    expect(parsed).toMatchObject({ ok: false, error: { code: 'FRAME_TOO_LARGE' } });
  });
});

describe('TPA -> cloud messages', () => {
  it('builds exactly the documented shapes', () => {
    const init = buildConnectionInit({ packageName: 'com.x', sessionId, apiKey: 'secret' });
    expect(Object.keys(init).sort()).toEqual(['apiKey', 'packageName', 'sessionId', 'timestamp', 'type']);
    expect(typeof init.timestamp).toBe('string');

    const update = buildSubscriptionUpdate('com.x', sessionId, ['transcription', 'VAD']);
    expect(update).toMatchObject({ type: 'subscription_update', subscriptions: ['transcription', 'VAD'] });
    expect(Object.keys(update).sort()).toEqual(['packageName', 'sessionId', 'subscriptions', 'timestamp', 'type']);

    const display = buildDisplayEvent({ packageName: 'com.x', sessionId, view: 'main', layout: layouts.textWall('hi') });
    expect(Object.keys(display).sort()).toEqual(['layout', 'packageName', 'sessionId', 'timestamp', 'type', 'view']);
    const timed = buildDisplayEvent({ packageName: 'com.x', sessionId, view: 'dashboard', layout: layouts.dashboardCard('a', 'b'), durationMs: 3000, forceDisplay: true });
    expect(timed).toMatchObject({ durationMs: 3000, forceDisplay: true, layout: { layoutType: 'dashboard_card', leftText: 'a', rightText: 'b' } });
  });

  it('round-trips every builder through the cloud-side parser', () => {
    for (const message of [
      buildConnectionInit({ packageName: 'com.x', sessionId, apiKey: 'k' }),
      buildSubscriptionUpdate('com.x', sessionId, ['phone_notification']),
      buildDisplayEvent({ packageName: 'com.x', sessionId, view: 'main', layout: layouts.referenceCard('T', 'x') }),
      buildDisplayEvent({ packageName: 'com.x', sessionId, view: 'main', layout: layouts.doubleTextWall('a', 'b'), durationMs: -1 }),
      buildDisplayEvent({ packageName: 'com.x', sessionId, view: 'main', layout: layouts.bitmapView('aGVsbG8=') }),
    ]) {
      expect(parseTpaToCloudMessage(JSON.stringify(message))).toEqual({ ok: true, value: message });
    }
    const stream = buildDataStream(sessionId, 'head_position', { position: 'up' });
    expect(parseCloudToTpaMessage(JSON.stringify(stream))).toEqual({ ok: true, value: stream });
  });

  it('accepts the real SDK display_event with an empty sessionId', () => {
    const parsed = parseTpaToCloudMessage({ type: 'display_event', packageName: 'com.x', sessionId: '', view: 'main', layout: { layoutType: 'text_wall', text: 'x' }, timestamp: new Date().toISOString() });
    expect(parsed.ok).toBe(true);
  });

  it('recognises later dialect messages and location-rate subscriptions', () => {
    const release = parseTpaToCloudMessage({ type: 'ownership_release', packageName: 'com.x', sessionId, reason: 'clean_shutdown' });
    expect(release.ok && isLaterDialectTpaMessage(release.value)).toBe(true);
    const update = parseTpaToCloudMessage({ type: 'subscription_update', packageName: 'com.x', subscriptions: ['transcription:en-US', { stream: 'location_stream', rate: 'standard' }] });
    expect(update.ok).toBe(true);
  });

  it('names the subscriptions the cloud would refuse', () => {
    expect(invalidSubscriptions(['VAD', 'vad', 'transcription:klingon', { stream: 'location_stream', rate: 'high' }])).toEqual(['vad', 'transcription:klingon']);
  });

  it.each([
    [{ type: 'display_event', packageName: 'com.x', view: 'side', layout: { layoutType: 'text_wall', text: 'x' } }, /view/],
    [{ type: 'display_event', packageName: 'com.x', view: 'main', layout: { layoutType: 'text_wall' } }, /layout.text/],
    [{ type: 'display_event', packageName: 'com.x', view: 'main', layout: { layoutType: 'hologram' } }, /layout/],
    [{ type: 'display_event', packageName: 'com.x', view: 'main', layout: { layoutType: 'text_wall', text: 'x' }, durationMs: -2 }, /durationMs/],
    [{ type: 'display_event', packageName: 'com.x', view: 'main', layout: { layoutType: 'bitmap_view', data: 7 } }, /layout.data/],
    [{ type: 'tpa_connection_init', sessionId, apiKey: 'k' }, /packageName/],
    [{ type: 'subscription_update', packageName: 'com.x', subscriptions: 'all' }, /subscriptions/],
  ])('refuses a malformed app message %#', (input, message) => {
    const parsed = parseTpaToCloudMessage(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toMatch(message);
  });
});
