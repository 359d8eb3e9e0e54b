import { z } from 'zod';
import type { WireSetting } from './settings.js';
import { STREAM_DATA_SCHEMAS, type TypedStream } from './stream-data.js';
import { acceptDataStream, fastAcceptStreamData, type FastAccept } from './fast-accept.js';
import { baseStreamOf } from './streams.js';
import { WireTimestampSchema, wireTimestampNow } from './timestamps.js';
import { parseTypedMessage, parseWithSchema, type ParseOptions, type ParseResult, type RawInput } from './parse.js';

export const CloudToTpaMessageType = {
  CONNECTION_ACK: 'tpa_connection_ack',
  TPA_CONNECTION_ERROR: 'tpa_connection_error',
  CONNECTION_ERROR: 'connection_error',
  DATA_STREAM: 'data_stream',
  SETTINGS_UPDATE: 'settings_update',
  APP_STOPPED: 'app_stopped',
  /** Later dialect: the user's system settings changed (`websocket-glasses.service.ts` L326-332 at c1f57fc3). */
  AUGMENTOS_SETTINGS_UPDATE: 'augmentos_settings_update',
} as const;
export type CloudToTpaMessageType = (typeof CloudToTpaMessageType)[keyof typeof CloudToTpaMessageType];

/**
 * Types that only the later (MentraOS 2.x) cloud sends. The SDK recognises them so that it can
 * log and ignore them rather than report them as unknown.
 */
export const LATER_DIALECT_CLOUD_TO_TPA_TYPES: readonly string[] = [
  'capabilities_update',
  'device_state_update',
  'dashboard_mode_changed',
  'dashboard_always_on_changed',
  'photo_response',
  'audio_play_response',
  'rgb_led_control_response',
  'rtmp_stream_status',
  'managed_stream_status',
  'stream_status_check_response',
  'websocket_error',
  'permission_error',
  'custom_message',
  'app_message_received',
  'app_user_joined',
  'app_user_left',
  'app_room_updated',
  'app_direct_message_response',
];

export const StopReasonSchema = z.enum(['user_disabled', 'system_stop', 'error']);
export type StopReason = z.infer<typeof StopReasonSchema>;

export const ConnectionAckSchema = z.looseObject({
  type: z.literal(CloudToTpaMessageType.CONNECTION_ACK),
  sessionId: z.string(),
  timestamp: WireTimestampSchema,
  /** Added 2025-03-31: optional. Checked one by one with `readSettings`, so one bad setting spoils nothing else. */
  settings: z.array(z.unknown()).optional(),
  /**
   * Later dialect (W8): the user's system settings (`metricSystemEnabled`, `brightness`, ...) as
   * `augmentosSettings` (`AppManager.ts` L748-755 at c1f57fc3), renamed `mentraosSettings` on
   * 2026-01-29; and the glasses' capabilities (omitted when unknown). Read leniently: a strange
   * shape here must not cost the connection.
   */
  augmentosSettings: z.unknown().optional(),
  mentraosSettings: z.unknown().optional(),
  config: z.unknown().optional(),
  capabilities: z.unknown().optional(),
});
export const TpaConnectionErrorSchema = z.looseObject({
  type: z.literal(CloudToTpaMessageType.TPA_CONNECTION_ERROR),
  message: z.string(),
  code: z.string().optional(),
  timestamp: WireTimestampSchema.optional(),
});
export const ConnectionErrorSchema = z.looseObject({
  type: z.literal(CloudToTpaMessageType.CONNECTION_ERROR),
  message: z.string(),
  timestamp: WireTimestampSchema.optional(),
});
export const DataStreamSchema = z.looseObject({
  type: z.literal(CloudToTpaMessageType.DATA_STREAM),
  sessionId: z.string(),
  /** The base stream type (`transcription`), or the subscribed form (`transcription:en-US`) in the later dialect. */
  streamType: z.string().min(1),
  /** Checked as an object here, without a copy; its stream's schema validates it on delivery. */
  data: z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { message: 'data must be an object' }),
  timestamp: WireTimestampSchema,
});
export const SettingsUpdateSchema = z.looseObject({
  type: z.literal(CloudToTpaMessageType.SETTINGS_UPDATE),
  packageName: z.string(),
  sessionId: z.string(),
  /** Checked one by one with `readSettings`. */
  settings: z.array(z.unknown()),
  timestamp: WireTimestampSchema,
});
export const AppStoppedSchema = z.looseObject({
  type: z.literal(CloudToTpaMessageType.APP_STOPPED),
  /** The later cloud sends none: `{type: 'app_stopped', timestamp}` (`AppManager.ts` L611-618 at c1f57fc3, W4). */
  reason: StopReasonSchema.optional(),
  message: z.string().optional(),
  timestamp: WireTimestampSchema.optional(),
});

export const AugmentosSettingsUpdateSchema = z.looseObject({
  type: z.literal(CloudToTpaMessageType.AUGMENTOS_SETTINGS_UPDATE),
  sessionId: z.string().optional(),
  settings: z.record(z.string(), z.unknown()),
  timestamp: WireTimestampSchema.optional(),
});
export type AugmentosSettingsUpdate = z.infer<typeof AugmentosSettingsUpdateSchema>;

export const CLOUD_TO_TPA_SCHEMAS = {
  [CloudToTpaMessageType.CONNECTION_ACK]: ConnectionAckSchema,
  [CloudToTpaMessageType.TPA_CONNECTION_ERROR]: TpaConnectionErrorSchema,
  [CloudToTpaMessageType.CONNECTION_ERROR]: ConnectionErrorSchema,
  [CloudToTpaMessageType.DATA_STREAM]: DataStreamSchema,
  [CloudToTpaMessageType.SETTINGS_UPDATE]: SettingsUpdateSchema,
  [CloudToTpaMessageType.APP_STOPPED]: AppStoppedSchema,
  [CloudToTpaMessageType.AUGMENTOS_SETTINGS_UPDATE]: AugmentosSettingsUpdateSchema,
} as const;

export type ConnectionAck = z.infer<typeof ConnectionAckSchema>;
export type TpaConnectionError = z.infer<typeof TpaConnectionErrorSchema>;
export type ConnectionError = z.infer<typeof ConnectionErrorSchema>;
export type DataStream = z.infer<typeof DataStreamSchema>;
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;
export type AppStopped = z.infer<typeof AppStoppedSchema>;
export type CloudToTpaMessage = ConnectionAck | TpaConnectionError | ConnectionError | DataStream | SettingsUpdate | AppStopped | AugmentosSettingsUpdate;

/** Parses one text frame (or decoded value) that the cloud sent to a TPA. */
export function parseCloudToTpaMessage(input: RawInput, options?: ParseOptions): ParseResult<CloudToTpaMessage> {
  return parseTypedMessage(CLOUD_TO_TPA_SCHEMAS, input, 'cloud message', options, FAST_ACCEPT_MESSAGES);
}

const FAST_ACCEPT_MESSAGES: Readonly<Record<string, FastAccept>> = { [CloudToTpaMessageType.DATA_STREAM]: acceptDataStream };


/** A typed stream event: the stream's base type and its validated data. */
export type StreamEvent = {
  [K in TypedStream]: { readonly typed: true; readonly stream: K; readonly data: z.infer<(typeof STREAM_DATA_SCHEMAS)[K]> };
}[TypedStream];
/** An event of a stream the SDK has no data schema for (start_app, video, later dialect streams). */
export interface UntypedStreamEvent {
  readonly typed: false;
  readonly stream: string;
  readonly data: Record<string, unknown>;
}

/**
 * Validates the `data` of a `data_stream` against its stream's schema. A stream without a
 * schema (start_app, video, ...) yields its data as an untyped object.
 */
export function parseStreamData(
  streamType: string,
  data: unknown,
): ParseResult<StreamEvent | UntypedStreamEvent> {
  const base = baseStreamOf(streamType) ?? streamType;
  if (Object.hasOwn(STREAM_DATA_SCHEMAS, base)) {
    const stream = base as TypedStream;
    if (isRecord(data) && fastAcceptStreamData(stream, data)) return { ok: true, value: { typed: true, stream, data } as StreamEvent };
    const parsed = parseWithSchema(STREAM_DATA_SCHEMAS[stream], data, `${streamType} data`, streamType);
    return parsed.ok ? { ok: true, value: { typed: true, stream, data: parsed.value } as StreamEvent } : parsed;
  }
  const parsed = parseWithSchema(z.looseObject({}), data, `${streamType} data`, streamType);
  return parsed.ok ? { ok: true, value: { typed: false, stream: base, data: parsed.value } } : parsed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Builders of the cloud side, used by the dev cloud and by test peers.

/** What the later cloud adds to an ack (W8): the user's system settings and the glasses' capabilities. */
export interface ConnectionAckExtras {
  readonly augmentosSettings?: Readonly<Record<string, unknown>>;
  readonly mentraosSettings?: Readonly<Record<string, unknown>>;
  readonly capabilities?: Readonly<Record<string, unknown>>;
}

export function buildConnectionAck(sessionId: string, settings?: readonly WireSetting[], extras: ConnectionAckExtras = {}): ConnectionAck {
  return {
    type: CloudToTpaMessageType.CONNECTION_ACK,
    sessionId,
    ...(settings ? { settings: [...settings] } : {}),
    ...extras,
    timestamp: wireTimestampNow(),
  };
}

/**
 * The later cloud's `tpa_connection_error` codes (`websocket-app.service.ts` L42-50 at c1f57fc3;
 * `APP_NOT_STARTED`: `AppManager.ts` L706). The spring cloud's `connection_error` has none.
 */
export const TpaConnectionErrorCode = {
  MALFORMED_MESSAGE: 'MALFORMED_MESSAGE',
  INVALID_API_KEY: 'INVALID_API_KEY',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  APP_NOT_STARTED: 'APP_NOT_STARTED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

/** Error texts of the real cloud. */
export const CloudErrorMessage = {
  /** Spring's only answer to a message it failed on (`websocket.service.ts` L1218-1235 at 75f9793f). */
  ERROR_PROCESSING_MESSAGE: 'Error processing message',
  /** Later: the prefix of an invalid subscription's error (`websocket-app.service.ts` L301 at c1f57fc3). */
  INVALID_SUBSCRIPTION_TYPE: 'Invalid subscription type',
} as const;

export function buildConnectionError(message: string): ConnectionError {
  return { type: CloudToTpaMessageType.CONNECTION_ERROR, message, timestamp: wireTimestampNow() };
}

export function buildTpaConnectionError(message: string, code?: string): TpaConnectionError {
  return { type: CloudToTpaMessageType.TPA_CONNECTION_ERROR, message, ...(code ? { code } : {}), timestamp: wireTimestampNow() };
}

export function buildDataStream(sessionId: string, streamType: string, data: Record<string, unknown>): DataStream {
  return { type: CloudToTpaMessageType.DATA_STREAM, sessionId, streamType, data, timestamp: wireTimestampNow() };
}

export function buildSettingsUpdate(sessionId: string, packageName: string, settings: readonly WireSetting[]): SettingsUpdate {
  return { type: CloudToTpaMessageType.SETTINGS_UPDATE, packageName, sessionId, settings: [...settings], timestamp: wireTimestampNow() };
}

export function buildAppStopped(reason?: StopReason, message?: string): AppStopped {
  return { type: CloudToTpaMessageType.APP_STOPPED, ...(reason ? { reason } : {}), ...(message ? { message } : {}), timestamp: wireTimestampNow() };
}
