/**
 * The dev cloud: a local AugmentOS cloud for running and testing TPAs with no glasses, no
 * account and no internet. See the package README.
 */
export { createDevCloud, DevCloud, type CloudInfo, type Delivery, type WaitOptions } from './dev-cloud.js';
export { DEFAULT_DIALECT, DIALECT_NAMES } from './dialects/index.js';
export type { DevCloudOptions } from './options.js';
export { AppRegistrationSchema, type AppInfo, type AppRegistration } from './apps/app-registry.js';
export type { SessionInfo, SessionState } from './sessions/cloud-session.js';
export { FaultSchema, DEFAULT_MALFORMED_FRAME, type Fault } from './sessions/faults.js';
export {
  SHOWN_VIEWS,
  layoutText,
  type DisplayChange,
  type DisplayHistoryEntry,
  type DisplaySnapshot,
  type ShownView,
  type ViewState,
} from './display/view-state.js';
export { renderDisplayBox, createTerminalView, type TerminalWriter } from './display/terminal-view.js';
export {
  AppNeverConnectedError,
  CloudClosedError,
  DevCloudError,
  DevCloudTimeoutError,
  InvalidRequestError,
  NoSessionError,
  NotConnectedError,
  StartCancelledError,
  UnknownAppError,
  WebhookFailedError,
  type DevCloudErrorCode,
} from './errors.js';
