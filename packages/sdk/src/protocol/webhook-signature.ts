import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Optional webhook signatures (our addition; the real cloud sent none). The sender puts the
 * time in seconds in one header and `v1=<hex HMAC-SHA256 of "<time>.<raw body>">` in another.
 */
export const SIGNATURE_HEADER = 'x-tpa-signature';
export const SIGNATURE_TIMESTAMP_HEADER = 'x-tpa-timestamp';
/** How old a signature may be by the receiver's clock, by default. */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60_000;
/**
 * How far ahead of the receiver's clock a signature's time may be: clock skew, not a second
 * replay window (a signature dated ahead would stay valid for longer).
 */
export const MAX_SIGNATURE_FUTURE_SKEW_MS = 30_000;

function hmac(secret: string, timestampSeconds: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}

/** The two headers to send with `body`, signed with `secret` at `now`. */
export function signWebhook(secret: string, body: string | Buffer, now: number = Date.now()): Record<string, string> {
  const timestampSeconds = String(Math.floor(now / 1000));
  return {
    [SIGNATURE_TIMESTAMP_HEADER]: timestampSeconds,
    [SIGNATURE_HEADER]: `v1=${hmac(secret, timestampSeconds, body)}`,
  };
}

export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'mismatch'; readonly message: string };

/**
 * Checks a signature in constant time and within the replay window: at most `toleranceMs` old and
 * at most `maxFutureSkewMs` ahead. It does not remember signatures: a receiver refuses a repeat
 * within the window itself (the TPA server does).
 */
export function verifyWebhookSignature(
  secret: string,
  body: string | Buffer,
  headers: { readonly signature?: string | undefined; readonly timestamp?: string | undefined },
  options: { readonly now?: number; readonly toleranceMs?: number; readonly maxFutureSkewMs?: number } = {},
): SignatureCheck {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) {
    return { ok: false, reason: 'missing', message: `webhook signature headers ${SIGNATURE_HEADER} and ${SIGNATURE_TIMESTAMP_HEADER} are required` };
  }
  const match = /^v1=([0-9a-f]{64})$/.exec(signature);
  if (!match?.[1] || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'malformed', message: 'webhook signature headers are malformed' };
  }
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? DEFAULT_SIGNATURE_TOLERANCE_MS;
  const futureSkew = Math.min(tolerance, options.maxFutureSkewMs ?? MAX_SIGNATURE_FUTURE_SKEW_MS);
  const age = now - Number(timestamp) * 1000;
  if (age > tolerance) {
    return { ok: false, reason: 'expired', message: `webhook signature is outside the replay window (older than ${tolerance / 1000} s)` };
  }
  if (-age > futureSkew) {
    return { ok: false, reason: 'expired', message: `webhook signature is outside the replay window (dated more than ${futureSkew / 1000} s ahead of this server's clock)` };
  }
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  const given = Buffer.from(match[1], 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'mismatch', message: 'webhook signature does not match' };
}
