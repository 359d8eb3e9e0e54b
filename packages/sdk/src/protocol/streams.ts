import { z } from 'zod';

/** The stream types of the spring 2025 cloud, as they appear in `streamType` and subscriptions. */
export const StreamType = {
  BUTTON_PRESS: 'button_press',
  HEAD_POSITION: 'head_position',
  GLASSES_BATTERY_UPDATE: 'glasses_battery_update',
  PHONE_BATTERY_UPDATE: 'phone_battery_update',
  GLASSES_CONNECTION_STATE: 'glasses_connection_state',
  LOCATION_UPDATE: 'location_update',
  TRANSCRIPTION: 'transcription',
  TRANSLATION: 'translation',
  VAD: 'VAD',
  AUDIO_CHUNK: 'audio_chunk',
  PHONE_NOTIFICATION: 'phone_notification',
  /** The spring cloud's name; the later cloud renamed it `phone_notification_dismissed` (2025-07-14, W7). */
  NOTIFICATION_DISMISSED: 'notification_dismissed',
  CALENDAR_EVENT: 'calendar_event',
  START_APP: 'start_app',
  STOP_APP: 'stop_app',
  OPEN_DASHBOARD: 'open_dashboard',
  VIDEO: 'video',
  ALL: 'all',
  WILDCARD: '*',
} as const;
export type StreamType = (typeof StreamType)[keyof typeof StreamType];

/** Every stream type of the spring 2025 cloud, wildcards included. */
export const STREAM_TYPES: readonly StreamType[] = Object.values(StreamType);

/**
 * Stream names that only the later (MentraOS 2.x) dialect subscribes to. They are valid
 * subscriptions, so a dev cloud serving a 2.x app must not reject them, but the SDK offers no
 * typed handler for them.
 */
export const LATER_DIALECT_STREAM_TYPES = [
  'touch_event',
  'location_stream',
  'vps_coordinates',
  'phone_notification_dismissed',
  'core_status_update',
  'photo_request',
  'photo_response',
  'photo_taken',
  'rtmp_stream_status',
  'managed_stream_status',
  'settings_update_request',
  'custom_message',
] as const;
export type LaterDialectStreamType = (typeof LATER_DIALECT_STREAM_TYPES)[number];

/** The later cloud's name of the dismissal stream (`2ab870a5a`, 2025-07-14; `@mentra/sdk` 2.1.29 has only it). */
export const PHONE_NOTIFICATION_DISMISSED = 'phone_notification_dismissed';

/** A stream's name as the cloud of `dialect` knows it: only the dismissal stream differs. */
export function streamNameFor(stream: string, dialect: 'spring' | 'later'): string {
  if (dialect === 'later' && stream === StreamType.NOTIFICATION_DISMISSED) return PHONE_NOTIFICATION_DISMISSED;
  if (dialect === 'spring' && stream === PHONE_NOTIFICATION_DISMISSED) return StreamType.NOTIFICATION_DISMISSED;
  return stream;
}

export const WILDCARD_STREAMS: readonly string[] = [StreamType.ALL, StreamType.WILDCARD];

const KNOWN_BASE_STREAMS = new Set<string>([...STREAM_TYPES, ...LATER_DIALECT_STREAM_TYPES]);

/** A language code as the cloud accepts it: `en-US`, `es-ES`. */
export const LANGUAGE_CODE = /^[a-z]{2}-[A-Z]{2}$/;

/** The language the cloud assumes for a bare `transcription` subscription or event. */
export const DEFAULT_TRANSCRIPTION_LANGUAGE = 'en-US';

export type LanguageStream =
  | { readonly base: 'transcription'; readonly language: string }
  | { readonly base: 'translation'; readonly source: string; readonly target: string };

export function isLanguageCode(value: string): boolean {
  return LANGUAGE_CODE.test(value);
}

function assertLanguageCode(value: string, role: string): void {
  if (!isLanguageCode(value)) {
    throw new RangeError(`${role} language "${value}" is not a language code like "en-US"`);
  }
}

/** `transcriptionStream('fr-FR')` is `'transcription:fr-FR'`. Throws a RangeError on a bad code. */
export function transcriptionStream(language: string): `transcription:${string}` {
  assertLanguageCode(language, 'transcription');
  return `transcription:${language}`;
}

/** `translationStream('es-ES', 'en-US')` is `'translation:es-ES-to-en-US'`. Throws a RangeError on a bad code. */
export function translationStream(source: string, target: string): `translation:${string}-to-${string}` {
  assertLanguageCode(source, 'source');
  assertLanguageCode(target, 'target');
  return `translation:${source}-to-${target}`;
}

/** The later dialect's "any language" forms: `transcription:auto` and `translation:all-to-<tgt>`. */
export const ANY_TRANSCRIPTION_LANGUAGE = 'auto';
export const ANY_TRANSLATION_SOURCE = 'all';

/**
 * Parses `transcription:<lang>` or `translation:<src>-to-<tgt>`; anything else is `undefined`.
 * Also reads the later dialect's forms: `transcription:auto`, `translation:all-to-<tgt>`, and
 * options after a `?` (`transcription:en-US?no-language-identification=true`), which are dropped.
 */
export function parseLanguageStream(stream: string): LanguageStream | undefined {
  const query = stream.indexOf('?');
  const plain = query < 0 ? stream : stream.slice(0, query);
  const colon = plain.indexOf(':');
  if (colon < 0) return undefined;
  const base = plain.slice(0, colon);
  const rest = plain.slice(colon + 1);
  if (base === StreamType.TRANSCRIPTION) {
    return isLanguageCode(rest) || rest === ANY_TRANSCRIPTION_LANGUAGE ? { base, language: rest } : undefined;
  }
  if (base === StreamType.TRANSLATION) {
    const match = /^([a-z]{2}-[A-Z]{2}|all)-to-([a-z]{2}-[A-Z]{2})$/.exec(rest);
    return match?.[1] && match[2] ? { base, source: match[1], target: match[2] } : undefined;
  }
  return undefined;
}

/** The language stream written canonically, without options. */
export function formatLanguageStream(stream: LanguageStream): string {
  return stream.base === StreamType.TRANSCRIPTION ? `transcription:${stream.language}` : `translation:${stream.source}-to-${stream.target}`;
}

/** The base stream type of a subscription or `streamType`: `transcription:en-US` -> `transcription`. */
export function baseStreamOf(stream: string): string | undefined {
  if (KNOWN_BASE_STREAMS.has(stream)) return stream;
  const language = parseLanguageStream(stream)?.base;
  if (language) return language;
  // The later dialect qualifies some of its own streams too (`touch_event:<gesture>`).
  const colon = stream.indexOf(':');
  const base = colon > 0 ? stream.slice(0, colon) : undefined;
  return base !== undefined && (LATER_DIALECT_STREAM_TYPES as readonly string[]).includes(base) && colon < stream.length - 1 ? base : undefined;
}

/** Whether the cloud accepts this string as a subscription (a known stream, a wildcard or a language stream). */
export function isValidSubscription(stream: string): boolean {
  return baseStreamOf(stream) !== undefined;
}

/** A subscription string the cloud accepts. */
export const SubscriptionSchema = z.string().refine(isValidSubscription, {
  message: 'not a known stream type, wildcard or language stream',
});

/**
 * How the cloud stores a subscription: a bare `transcription` becomes `transcription:en-US`;
 * everything else is kept as it is (a bare `translation` is kept, and never matches an event).
 */
export function normalizeSubscription(stream: string): string {
  return stream === StreamType.TRANSCRIPTION ? transcriptionStream(DEFAULT_TRANSCRIPTION_LANGUAGE) : stream;
}

const DEFAULT_TRANSCRIPTION_STREAM = `transcription:${DEFAULT_TRANSCRIPTION_LANGUAGE}`;

/**
 * `transcription:<language>`, the same string instance each time for a language: this runs on
 * every transcription event, and a string made once is hashed once by the maps it is looked up in.
 */
const transcriptionStreams = new Map<string, string>();
function transcriptionStreamOf(language: string): string {
  let stream = transcriptionStreams.get(language);
  if (stream === undefined) {
    // Languages come from the cloud's data: keep the cache bounded.
    if (transcriptionStreams.size >= 64) transcriptionStreams.clear();
    stream = `transcription:${language}`;
    transcriptionStreams.set(language, stream);
  }
  return stream;
}

interface LanguageFields {
  readonly transcribeLanguage?: unknown;
  readonly translateLanguage?: unknown;
}

/**
 * The stream an event is routed by: `transcription:<transcribeLanguage or en-US>` for a
 * transcription, `translation:<src>-to-<tgt>` for a translation that names both languages, and
 * the base type otherwise. `streamType` may itself be language-qualified (the later dialect).
 */
export function effectiveStreamOf(streamType: string, data: unknown): string {
  const qualified = parseLanguageStream(streamType);
  if (qualified) return formatLanguageStream(qualified);
  const fields: LanguageFields = typeof data === 'object' && data !== null ? (data as LanguageFields) : {};
  const source = typeof fields.transcribeLanguage === 'string' ? fields.transcribeLanguage : undefined;
  if (streamType === StreamType.TRANSCRIPTION) {
    return source === undefined ? DEFAULT_TRANSCRIPTION_STREAM : transcriptionStreamOf(source);
  }
  if (streamType === StreamType.TRANSLATION) {
    const target = typeof fields.translateLanguage === 'string' ? fields.translateLanguage : undefined;
    return source && target ? `translation:${source}-to-${target}` : streamType;
  }
  return streamType;
}

/**
 * Whether an app subscribed with `subscription` receives an event whose effective stream is
 * `effectiveStream` (see {@link effectiveStreamOf}), exactly as the cloud routes it.
 */
export function subscriptionMatches(subscription: string, effectiveStream: string): boolean {
  if (WILDCARD_STREAMS.includes(subscription)) return true;
  if (subscription === StreamType.TRANSLATION) return false;
  const language = parseLanguageStream(subscription);
  if (!language) return normalizeSubscription(subscription) === effectiveStream;
  if (language.base === StreamType.TRANSCRIPTION && language.language === ANY_TRANSCRIPTION_LANGUAGE) {
    return effectiveStream.startsWith(`${StreamType.TRANSCRIPTION}:`);
  }
  if (language.base === StreamType.TRANSLATION && language.source === ANY_TRANSLATION_SOURCE) {
    return effectiveStream.startsWith(`${StreamType.TRANSLATION}:`) && effectiveStream.endsWith(`-to-${language.target}`);
  }
  return formatLanguageStream(language) === effectiveStream;
}
