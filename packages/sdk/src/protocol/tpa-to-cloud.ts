import { z } from 'zod';
import { DurationMsSchema, LayoutSchema, ViewTypeSchema, type Layout, type ViewType } from './layouts.js';
import { isValidSubscription } from './streams.js';
import { WireTimestampSchema, wireTimestampNow } from './timestamps.js';
import { parseTypedMessage, type ParseOptions, type ParseResult, type RawInput } from './parse.js';

export const TpaToCloudMessageType = {
  CONNECTION_INIT: 'tpa_connection_init',
  SUBSCRIPTION_UPDATE: 'subscription_update',
  DISPLAY_EVENT: 'display_event',
} as const;
export type TpaToCloudMessageType = (typeof TpaToCloudMessageType)[keyof typeof TpaToCloudMessageType];

/**
 * App -> cloud types of the later (MentraOS 2.x) dialect. A cloud that does not serve one of
 * them answers nothing and logs it; it never drops the socket for it.
 */
export const LATER_DIALECT_TPA_TO_CLOUD_TYPES = [
  'location_poll_request',
  'photo_request',
  'audio_play_request',
  'audio_stop_request',
  'rgb_led_control',
  'request_wifi_setup',
  'rtmp_stream_request',
  'rtmp_stream_stop',
  'managed_stream_request',
  'managed_stream_stop',
  'stream_status_check',
  'dashboard_content_update',
  'dashboard_mode_change',
  'dashboard_system_update',
  'app_broadcast_message',
  'app_direct_message',
  'app_user_discovery',
  'app_room_join',
  'app_room_leave',
  'ownership_release',
] as const;
export type LaterDialectTpaMessageType = (typeof LATER_DIALECT_TPA_TO_CLOUD_TYPES)[number];

/**
 * Tells the later cloud that the app lets go of a session on purpose, so that the cloud does not
 * restart it when its socket closes (honoured from 0d673636e, 2025-12-12: the app goes dormant;
 * older clouds ignore unknown types). Shape of `@mentra/sdk` 2.1.29 (`app-to-cloud.d.ts` L168-173).
 */
export const OwnershipReleaseSchema = z.looseObject({
  type: z.literal('ownership_release'),
  packageName: z.string().min(1),
  sessionId: z.string().min(1),
  reason: z.enum(['switching_clouds', 'clean_shutdown', 'user_logout']),
  timestamp: WireTimestampSchema.optional(),
});
export type OwnershipRelease = z.infer<typeof OwnershipReleaseSchema>;

export function buildOwnershipRelease(packageName: string, sessionId: string, reason: OwnershipRelease['reason']): OwnershipRelease {
  return { type: 'ownership_release', packageName, sessionId, reason, timestamp: wireTimestampNow() };
}

export const ConnectionInitSchema = z.looseObject({
  type: z.literal(TpaToCloudMessageType.CONNECTION_INIT),
  packageName: z.string().min(1),
  sessionId: z.string().min(1),
  apiKey: z.string(),
  timestamp: WireTimestampSchema.optional(),
});

/** The later dialect subscribes to location at a rate with an object instead of a string. */
export const LocationStreamRequestSchema = z.looseObject({ stream: z.literal('location_stream'), rate: z.string() });
export type LocationStreamRequest = z.infer<typeof LocationStreamRequestSchema>;

export const SubscriptionUpdateSchema = z.looseObject({
  type: z.literal(TpaToCloudMessageType.SUBSCRIPTION_UPDATE),
  packageName: z.string().min(1),
  /** The later dialect may leave it out; the cloud knows the socket's session anyway. */
  sessionId: z.string().optional(),
  subscriptions: z.array(z.union([z.string(), LocationStreamRequestSchema])),
  timestamp: WireTimestampSchema.optional(),
});

export const DisplayEventSchema = z.looseObject({
  type: z.literal(TpaToCloudMessageType.DISPLAY_EVENT),
  packageName: z.string().min(1),
  /** The real SDK sent `''`; the cloud knows the socket's session anyway. */
  sessionId: z.string().optional(),
  view: ViewTypeSchema,
  layout: LayoutSchema,
  durationMs: DurationMsSchema.optional(),
  forceDisplay: z.boolean().optional(),
  timestamp: WireTimestampSchema.optional(),
});

/** Any later-dialect message: recognised by its type, otherwise not looked into. */
export const LaterDialectTpaMessageSchema = z.looseObject({
  type: z.enum(LATER_DIALECT_TPA_TO_CLOUD_TYPES),
  packageName: z.string().optional(),
});

const LATER_DIALECT_SCHEMAS = Object.fromEntries(
  LATER_DIALECT_TPA_TO_CLOUD_TYPES.map((type) => [type, LaterDialectTpaMessageSchema]),
) as Record<LaterDialectTpaMessageType, typeof LaterDialectTpaMessageSchema>;

export const TPA_TO_CLOUD_SCHEMAS = {
  [TpaToCloudMessageType.CONNECTION_INIT]: ConnectionInitSchema,
  [TpaToCloudMessageType.SUBSCRIPTION_UPDATE]: SubscriptionUpdateSchema,
  [TpaToCloudMessageType.DISPLAY_EVENT]: DisplayEventSchema,
  ...LATER_DIALECT_SCHEMAS,
};

export type ConnectionInit = z.infer<typeof ConnectionInitSchema>;
export type SubscriptionUpdate = z.infer<typeof SubscriptionUpdateSchema>;
export type DisplayEvent = z.infer<typeof DisplayEventSchema>;
export type LaterDialectTpaMessage = z.infer<typeof LaterDialectTpaMessageSchema>;
export type TpaToCloudMessage = ConnectionInit | SubscriptionUpdate | DisplayEvent | LaterDialectTpaMessage;

/** Parses one text frame (or decoded value) that a TPA sent to the cloud. */
export function parseTpaToCloudMessage(input: RawInput, options?: ParseOptions): ParseResult<TpaToCloudMessage> {
  return parseTypedMessage(TPA_TO_CLOUD_SCHEMAS, input, 'app message', options);
}

/** Whether a parsed app message is one of the later dialect's, which a spring 2025 cloud does not serve. */
export function isLaterDialectTpaMessage(message: TpaToCloudMessage): message is LaterDialectTpaMessage {
  return (LATER_DIALECT_TPA_TO_CLOUD_TYPES as readonly string[]).includes(message.type);
}

/** The subscriptions of an update that the cloud would refuse (strings that are no stream). */
export function invalidSubscriptions(subscriptions: SubscriptionUpdate['subscriptions']): string[] {
  return subscriptions.filter((entry): entry is string => typeof entry === 'string' && !isValidSubscription(entry));
}

/** The subscriptions of an update as stream names (a location-rate object counts as `location_stream`). */
export function subscriptionNames(subscriptions: SubscriptionUpdate['subscriptions']): string[] {
  return subscriptions.map((entry) => (typeof entry === 'string' ? entry : entry.stream));
}

// Builders of the app side: each returns exactly the documented shape.

export interface ConnectionInitFields {
  readonly packageName: string;
  readonly sessionId: string;
  readonly apiKey: string;
}

export function buildConnectionInit({ packageName, sessionId, apiKey }: ConnectionInitFields): ConnectionInit {
  return { type: TpaToCloudMessageType.CONNECTION_INIT, packageName, sessionId, apiKey, timestamp: wireTimestampNow() };
}

export function buildSubscriptionUpdate(packageName: string, sessionId: string, subscriptions: readonly string[]): SubscriptionUpdate {
  return {
    type: TpaToCloudMessageType.SUBSCRIPTION_UPDATE,
    packageName,
    sessionId,
    subscriptions: [...subscriptions],
    timestamp: wireTimestampNow(),
  };
}

export interface DisplayEventFields {
  readonly packageName: string;
  readonly sessionId: string;
  readonly view: ViewType;
  readonly layout: Layout;
  readonly durationMs?: number | undefined;
  readonly forceDisplay?: boolean | undefined;
}

export function buildDisplayEvent({ packageName, sessionId, view, layout, durationMs, forceDisplay }: DisplayEventFields): DisplayEvent {
  return {
    type: TpaToCloudMessageType.DISPLAY_EVENT,
    packageName,
    sessionId,
    view,
    layout,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(forceDisplay !== undefined ? { forceDisplay } : {}),
    timestamp: wireTimestampNow(),
  };
}
