/**
 * The TPA SDK: what a TPA author uses. The wire protocol's schemas, parsers and builders are in
 * `@tpa/sdk/protocol`; the test kit is in `@tpa/sdk/testing`; loggers are also in
 * `@tpa/sdk/logging`. This list is pinned by `packages/sdk/api/sdk.api.md`: a change to it is a
 * visible diff in review.
 *
 * @packageDocumentation
 */

// The server and its sessions.
export { TpaServer } from './server/tpa-server.js';
export type { ServerAddress, TpaServerConfig } from './server/config.js';
export { ServerError, type ServerErrorCode } from './server/errors.js';
export { stopOnSignals, type StopOnSignalsOptions, type Stoppable } from './server/stop-on-signals.js';
export { TpaSession } from './session/tpa-session.js';
export type { SessionEndKind, SessionEndReason, SessionState, TpaSessionConfig } from './session/session-config.js';
export type { ReconnectOptions } from './session/reconnect-policy.js';
export type { SessionSettings } from './session/settings-store.js';
export { SessionError, type SessionErrorCode } from './session/errors.js';

// What a session hands out: events and layouts (made only by the session, so exported as types).
export type { AudioChunk, ConnectedInfo, DisconnectInfo, EventManager, Handler } from './events/event-manager.js';
export { HandlerError, InvalidSubscriptionError, MAX_HANDLERS_PER_STREAM, TooManyHandlersError } from './events/errors.js';
export type { DisplayOptions, DisplayResult, LayoutManager } from './layouts/layout-manager.js';
export { InvalidLayoutError } from './layouts/errors.js';

// Resources: scopes and the collections that release what they hold.
export { Scope, type ListenerTarget, type ScopeCloseResult, type ScopeOptions, type ScopeState } from './resources/scope.js';
export { DISPOSED, toDisposable, type Cleanup, type DisposeMethod, type Disposer, type Resource, type ScopeCloseReason, type TimerHandle } from './resources/disposable.js';
export { DisposableMap, DisposableSlot } from './resources/collections.js';
export { CallbackError, CleanupTimeoutError, DisposeError, ScopeCleanupError, ScopeClosedError } from './resources/errors.js';

// Errors and logging.
export { TpaError } from './errors.js';
export { createStreamLogger, safeLogger, silentLogger, type LogFn, type Logger, type LogLevel, type SdkLogger, type StreamLoggerOptions } from './logging/logger.js';

// The names an app writes: streams, layouts, views, settings, and the shapes of stream data.
export { StreamType, transcriptionStream, translationStream } from './protocol/streams.js';
export { layouts, LayoutType, ViewType } from './protocol/layouts.js';
export type { BitmapAnimation, BitmapView, ClearView, DashboardCard, DoubleTextWall, Layout, ReferenceCard, TextWall } from './protocol/layouts.js';
export { isVoiceActive, calendarTimezone } from './protocol/stream-data.js';
export type {
  BatteryUpdate,
  ButtonPress,
  CalendarEvent,
  GlassesConnectionState,
  HeadPosition,
  LocationUpdate,
  NotificationDismissed,
  PhoneNotification,
  StreamDataMap,
  TranscriptionData,
  TranslationData,
  TypedStream,
  Vad,
} from './protocol/stream-data.js';
export { settingValue } from './protocol/settings.js';
export type { AppSetting, SelectSetting, SettingsGroup, SettingValue, TextSetting, ToggleSetting, TpaConfig, WireSetting } from './protocol/settings.js';
export type { StopReason } from './protocol/cloud-to-tpa.js';
export { ProtocolError, type ProtocolErrorCode, type ProtocolIssue } from './protocol/parse.js';

// The names of the older SDKs, for apps written for them (see compat.ts and the migration guide).
export {
  AppServer,
  AppSession,
  createTranscriptionStream,
  createTranslationStream,
  logger,
  type AppServerConfig,
  type AppSessionConfig,
  type AuthenticatedRequest,
  type ExtendedStreamType,
  type GlassesBatteryUpdate,
  type PhoneNotificationDismissed,
  type ToolCall,
  type UserSession,
  type WebSocketError,
} from './compat.js';
export type { SettingsChangeMap } from './events/event-manager.js';
