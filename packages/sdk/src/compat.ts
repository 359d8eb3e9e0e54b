/**
 * The names of `@augmentos/sdk` 1.x and `@mentra/sdk` 2.x that an app written for them imports, so
 * that it compiles and runs with only its import changed. Each is this SDK's own type or class
 * under the older name, or a small type of the shape the older SDKs gave; the migration guide maps
 * each to its better form here.
 */
import type { Request } from 'express';
import { createStreamLogger, safeLogger, type SdkLogger } from './logging/logger.js';
import { transcriptionStream, translationStream } from './protocol/streams.js';
import type { BatteryUpdate, NotificationDismissed } from './protocol/stream-data.js';
import type { TpaServerConfig } from './server/config.js';
import type { TpaSessionConfig } from './session/session-config.js';

export { TpaServer as AppServer } from './server/tpa-server.js';
export { TpaSession as AppSession } from './session/tpa-session.js';
export type AppServerConfig = TpaServerConfig;
export type AppSessionConfig = TpaSessionConfig;

/** 2.x's name of the glasses' battery stream data. */
export type GlassesBatteryUpdate = BatteryUpdate;
/** 2.x's name of the dismissal stream data. */
export type PhoneNotificationDismissed = NotificationDismissed;
/** Any stream name, including the language streams (`transcription:fr-FR`). */
export type ExtendedStreamType = string;

/** A request to the app's own routes, with the user the webview authentication found (2.x). */
export interface AuthenticatedRequest extends Request<Record<string, string>> {
  authUserId?: string;
}

/** What 2.x called the error of a socket. */
export interface WebSocketError {
  code: string;
  message: string;
  details?: unknown;
}

/** A call of one of the app's tools by the assistant (2.x's `onToolCall` receives one). */
export interface ToolCall {
  toolId: string;
  toolParameters: Record<string, string | number | boolean>;
  timestamp: Date | string;
  userId: string;
  activeSession?: unknown;
}

/** The user's session, as 2.x's types named the cloud's view of it; for types only. */
export interface UserSession {
  sessionId: string;
  userId: string;
  [key: string]: unknown;
}

/** The transcription stream of one language (2.x `createTranscriptionStream`). */
export function createTranscriptionStream(language: string): `transcription:${string}` {
  return transcriptionStream(language) as `transcription:${string}`;
}

/** The translation stream from `source` to `target` (2.x `createTranslationStream`). */
export function createTranslationStream(source: string, target: string): `translation:${string}` {
  return translationStream(source, target) as `translation:${string}`;
}

/**
 * The logger the older SDKs exported for apps to use: lines go to standard error at `info` and
 * above (an app's own logger; the SDK itself logs only through the logger it is given).
 */
export const logger: SdkLogger = safeLogger(createStreamLogger({ level: 'info' }));
