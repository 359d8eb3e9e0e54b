import { ISO_TIMESTAMP } from './timestamps.js';

/**
 * Fast acceptance checks for the hottest inbound messages: a `data_stream` envelope and
 * transcription/translation data (up to 100,000 a second in the benchmark). Each returns `true`
 * only for input its zod schema accepts as it is; anything else goes to the schema, which gives
 * the precise error. `test/protocol/fast-accept.test.ts` holds them to that with property tests,
 * so the zod schemas stay the single definition of the shapes.
 */
export type FastAccept = (value: Readonly<Record<string, unknown>>) => boolean;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isWireTimestamp(value: unknown): boolean {
  return typeof value === 'string' ? ISO_TIMESTAMP.test(value) : isNumber(value);
}

function optional(value: unknown, check: (inner: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Accepts a `data_stream` envelope (its `data` is validated on delivery, by stream). */
export const acceptDataStream: FastAccept = (value) =>
  value.type === 'data_stream' &&
  isString(value.sessionId) &&
  isString(value.streamType) &&
  value.streamType.length > 0 &&
  isObject(value.data) &&
  isWireTimestamp(value.timestamp);

/** Accepts `transcription` data. */
export const acceptTranscriptionData: FastAccept = (value) =>
  isString(value.text) &&
  typeof value.isFinal === 'boolean' &&
  isNumber(value.startTime) &&
  isNumber(value.endTime) &&
  optional(value.transcribeLanguage, isString) &&
  optional(value.speakerId, isString) &&
  optional(value.duration, isNumber) &&
  optional(value.utteranceId, isString);

/** Accepts `translation` data. */
export const acceptTranslationData: FastAccept = (value) =>
  acceptTranscriptionData(value) &&
  isString(value.translateLanguage) &&
  optional(value.originalText, isString) &&
  optional(value.didTranslate, (inner) => typeof inner === 'boolean');

const FAST_ACCEPT_STREAM_DATA: Readonly<Record<string, FastAccept>> = {
  transcription: acceptTranscriptionData,
  translation: acceptTranslationData,
};

/**
 * Whether `data` of the stream named `streamType` (a base type, as the spring 2025 cloud sends)
 * can be delivered without a schema pass. `false` means "use parseStreamData", not "invalid".
 */
export function fastAcceptStreamData(streamType: string, data: Readonly<Record<string, unknown>>): boolean {
  const accept = Object.hasOwn(FAST_ACCEPT_STREAM_DATA, streamType) ? FAST_ACCEPT_STREAM_DATA[streamType] : undefined;
  // An own "__proto__" key (JSON.parse makes one) is dropped by zod's copy: let zod handle it.
  return accept !== undefined && !Object.hasOwn(data, '__proto__') && accept(data);
}
