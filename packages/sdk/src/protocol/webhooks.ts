import { z } from 'zod';
import { StopReasonSchema } from './cloud-to-tpa.js';
import { AppSettingSchema, SettingValueSchema, type WireSetting } from './settings.js';
import { WireTimestampSchema, wireTimestampNow } from './timestamps.js';
import { decodeJson, parseTypedMessage, parseWithSchema, type ParseOptions, type ParseResult, type RawInput } from './parse.js';

export const WebhookRequestType = {
  SESSION_REQUEST: 'session_request',
  STOP_REQUEST: 'stop_request',
} as const;
export type WebhookRequestType = (typeof WebhookRequestType)[keyof typeof WebhookRequestType];

const WebhookUrlSchema = z.string().refine((text) => URL.canParse(text), { message: 'not a URL' });

export const SessionWebhookRequestSchema = z.looseObject({
  type: z.literal(WebhookRequestType.SESSION_REQUEST),
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  timestamp: WireTimestampSchema,
  augmentOSWebsocketUrl: WebhookUrlSchema.optional(),
  /** The later dialect's name for the same URL. */
  mentraOSWebsocketUrl: WebhookUrlSchema.optional(),
});
export const StopWebhookRequestSchema = z.looseObject({
  type: z.literal(WebhookRequestType.STOP_REQUEST),
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  reason: StopReasonSchema,
  timestamp: WireTimestampSchema,
});

export const WEBHOOK_SCHEMAS = {
  [WebhookRequestType.SESSION_REQUEST]: SessionWebhookRequestSchema,
  [WebhookRequestType.STOP_REQUEST]: StopWebhookRequestSchema,
} as const;

export type SessionWebhookRequest = z.infer<typeof SessionWebhookRequestSchema>;
export type StopWebhookRequest = z.infer<typeof StopWebhookRequestSchema>;
export type WebhookRequest = SessionWebhookRequest | StopWebhookRequest;

export const WebhookResponseSchema = z.looseObject({
  status: z.enum(['success', 'error']),
  message: z.string().optional(),
});
export type WebhookResponse = z.infer<typeof WebhookResponseSchema>;

/** Parses a webhook body (raw text, bytes or an already-decoded value). */
export function parseWebhookRequest(input: RawInput, options?: ParseOptions): ParseResult<WebhookRequest> {
  return parseTypedMessage(WEBHOOK_SCHEMAS, input, 'webhook', options);
}

/** The socket URL a session request names, under either dialect's field name. */
export function websocketUrlOf(request: SessionWebhookRequest): string | undefined {
  return request.augmentOSWebsocketUrl ?? request.mentraOSWebsocketUrl;
}

/**
 * A session request as every real cloud sends it, up to the newest: the socket URL under
 * `augmentOSWebsocketUrl` only (`AppManager.ts` L853-859 at the 2026-04 cloud; `mentraOSWebsocketUrl`
 * exists only in the later SDK's types).
 */
export function buildSessionWebhookRequest(fields: { sessionId: string; userId: string; websocketUrl: string }): SessionWebhookRequest {
  return {
    type: WebhookRequestType.SESSION_REQUEST,
    sessionId: fields.sessionId,
    userId: fields.userId,
    timestamp: wireTimestampNow(),
    augmentOSWebsocketUrl: fields.websocketUrl,
  };
}

export function buildStopWebhookRequest(fields: {
  sessionId: string;
  userId: string;
  reason: StopWebhookRequest['reason'];
}): StopWebhookRequest {
  return { type: WebhookRequestType.STOP_REQUEST, ...fields, timestamp: wireTimestampNow() };
}

export function webhookSuccess(message?: string): WebhookResponse {
  return { status: 'success', ...(message ? { message } : {}) };
}

export function webhookError(message: string): WebhookResponse {
  return { status: 'error', message };
}

/**
 * The body of `POST /settings` on a TPA server. Its settings are key/value pairs from the real
 * cloud (`tpa-settings.routes.ts` L291-295 at 75f9793f), or full declared settings; each is read
 * with `readSettings`.
 */
export const SettingsRequestSchema = z.looseObject({
  userIdForSettings: z.string().min(1),
  settings: z.array(z.union([AppSettingSchema, SettingValueSchema])),
});
export type SettingsRequest = z.infer<typeof SettingsRequestSchema>;

/** The body of the cloud's `POST <publicUrl>/settings` (`app-settings.routes.ts` L332-341 at c1f57fc3). */
export function buildSettingsRequest(userIdForSettings: string, settings: readonly WireSetting[]): SettingsRequest {
  return { userIdForSettings, settings: [...settings] };
}

export function parseSettingsRequest(input: RawInput, options?: ParseOptions): ParseResult<SettingsRequest> {
  const decoded = decodeJson(input, options);
  return decoded.ok ? parseWithSchema(SettingsRequestSchema, decoded.value, 'settings request') : decoded;
}

export const SettingsResponseSchema = z.looseObject({
  status: z.enum(['success', 'error']),
  message: z.string(),
  sessionsUpdated: z.number().int().nonnegative().optional(),
});
export type SettingsResponse = z.infer<typeof SettingsResponseSchema>;

/** The body of `GET /health` on a TPA server. */
export const HealthResponseSchema = z.looseObject({
  status: z.literal('healthy'),
  app: z.string(),
  activeSessions: z.number().int().nonnegative(),
  uptimeSeconds: z.number().nonnegative().optional(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
