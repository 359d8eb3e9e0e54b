import { z } from 'zod';
import { WireTimestampSchema } from './timestamps.js';
import { StreamType } from './streams.js';

export const PhoneNotificationSchema = z.looseObject({
  notificationId: z.string(),
  app: z.string(),
  title: z.string(),
  content: z.string(),
  priority: z.enum(['low', 'normal', 'high']),
  timestamp: WireTimestampSchema.optional(),
});
/** The later cloud's `phone_notification_dismissed` also names the notification (`glasses-to-cloud.d.ts` L170-177 of `@mentra/sdk` 2.1.29). */
export const NotificationDismissedSchema = z.looseObject({
  notificationId: z.string(),
  app: z.string().optional(),
  title: z.string().optional(),
  content: z.string().optional(),
  notificationKey: z.string().optional(),
});
export const HeadPositionSchema = z.looseObject({ position: z.enum(['up', 'down']) });
export const ButtonPressSchema = z.looseObject({ buttonId: z.string(), pressType: z.enum(['short', 'long']) });
export const BatteryUpdateSchema = z.looseObject({
  level: z.number().min(0).max(100),
  charging: z.boolean(),
  timeRemaining: z.number().optional(),
});
export const LocationUpdateSchema = z.looseObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });
export const CalendarEventSchema = z.looseObject({
  eventId: z.string(),
  title: z.string(),
  dtStart: z.string(),
  dtEnd: z.string(),
  /** The phone sent `timeZone`; read {@link calendarTimezone} for either spelling. */
  timezone: z.string().optional(),
  timeZone: z.string().optional(),
  timestamp: WireTimestampSchema.optional(),
});
export const VadSchema = z.looseObject({ status: z.union([z.boolean(), z.enum(['true', 'false'])]) });
export const TranscriptionDataSchema = z.looseObject({
  text: z.string(),
  isFinal: z.boolean(),
  transcribeLanguage: z.string().optional(),
  startTime: z.number(),
  endTime: z.number(),
  speakerId: z.string().optional(),
  duration: z.number().optional(),
  /** Later clouds: the id of the utterance the words belong to (`@mentra/sdk` 2.1.31). */
  utteranceId: z.string().optional(),
});
export const TranslationDataSchema = TranscriptionDataSchema.extend({
  translateLanguage: z.string(),
  originalText: z.string().optional(),
  didTranslate: z.boolean().optional(),
});
export const GlassesConnectionStateSchema = z.looseObject({ modelName: z.string(), status: z.string() });

export type PhoneNotification = z.infer<typeof PhoneNotificationSchema>;
export type NotificationDismissed = z.infer<typeof NotificationDismissedSchema>;
export type HeadPosition = z.infer<typeof HeadPositionSchema>;
export type ButtonPress = z.infer<typeof ButtonPressSchema>;
export type BatteryUpdate = z.infer<typeof BatteryUpdateSchema>;
export type LocationUpdate = z.infer<typeof LocationUpdateSchema>;
export type CalendarEvent = z.infer<typeof CalendarEventSchema>;
export type Vad = z.infer<typeof VadSchema>;
export type TranscriptionData = z.infer<typeof TranscriptionDataSchema>;
export type TranslationData = z.infer<typeof TranslationDataSchema>;
export type GlassesConnectionState = z.infer<typeof GlassesConnectionStateSchema>;

/** The schema of each JSON stream's `data`. Streams absent here carry any object. */
export const STREAM_DATA_SCHEMAS = {
  [StreamType.PHONE_NOTIFICATION]: PhoneNotificationSchema,
  [StreamType.NOTIFICATION_DISMISSED]: NotificationDismissedSchema,
  [StreamType.HEAD_POSITION]: HeadPositionSchema,
  [StreamType.BUTTON_PRESS]: ButtonPressSchema,
  [StreamType.GLASSES_BATTERY_UPDATE]: BatteryUpdateSchema,
  [StreamType.PHONE_BATTERY_UPDATE]: BatteryUpdateSchema,
  [StreamType.LOCATION_UPDATE]: LocationUpdateSchema,
  [StreamType.CALENDAR_EVENT]: CalendarEventSchema,
  [StreamType.VAD]: VadSchema,
  [StreamType.TRANSCRIPTION]: TranscriptionDataSchema,
  [StreamType.TRANSLATION]: TranslationDataSchema,
  [StreamType.GLASSES_CONNECTION_STATE]: GlassesConnectionStateSchema,
} as const;
export type TypedStream = keyof typeof STREAM_DATA_SCHEMAS;
export type StreamDataMap = { [K in TypedStream]: z.infer<(typeof STREAM_DATA_SCHEMAS)[K]> };

/** The voice activity status as a boolean, whichever of its wire forms it came in. */
export function isVoiceActive(vad: Vad): boolean {
  return vad.status === true || vad.status === 'true';
}

/** The calendar event's time zone, whichever spelling the phone used. */
export function calendarTimezone(event: CalendarEvent): string | undefined {
  return event.timezone ?? event.timeZone;
}
