import { z } from 'zod';

/**
 * A wire timestamp: an ISO-8601 string when the SDK or the cloud made it, the phone's epoch
 * milliseconds (a number) when the phone made the event and the cloud forwarded it unchanged.
 */
/** An ISO-8601 date or date-time. A regular expression, not Date.parse: it runs on every inbound message. */
export const ISO_TIMESTAMP =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d+)?)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/;

export const WireTimestampSchema = z.union([z.string().regex(ISO_TIMESTAMP, { message: 'not an ISO-8601 date string' }), z.number().finite()]);
export type WireTimestamp = z.infer<typeof WireTimestampSchema>;

/** Turns either form of wire timestamp into a `Date`. */
export function timestampToDate(timestamp: WireTimestamp): Date {
  return new Date(timestamp);
}

/** The timestamp the SDK and dev cloud put on messages they make: ISO-8601, as a JS Date serialises. */
export function wireTimestampNow(): string {
  return new Date().toISOString();
}
