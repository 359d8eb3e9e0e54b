import { TpaError } from '@tpa/sdk';

/** Machine-readable codes of the dev cloud's errors; the control API maps each to an HTTP status. */
export type DevCloudErrorCode =
  | 'INVALID_REQUEST'
  | 'UNKNOWN_APP'
  | 'NO_SESSION'
  | 'NOT_CONNECTED'
  | 'WEBHOOK_FAILED'
  | 'APP_NEVER_CONNECTED'
  | 'START_CANCELLED'
  | 'TIMEOUT'
  | 'CLOUD_CLOSED';

/** Every error the dev cloud reports to a caller of its library API or its HTTP API. */
export class DevCloudError extends TpaError {
  declare readonly code: DevCloudErrorCode;

  constructor(code: DevCloudErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Input that the dev cloud cannot act on: a bad app registration, event, setting or fault. */
export class InvalidRequestError extends DevCloudError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}

export class UnknownAppError extends DevCloudError {
  readonly packageName: string;

  constructor(packageName: string) {
    super('UNKNOWN_APP', `no app "${packageName}" is registered: register it first (POST /api/apps or --app)`);
    this.packageName = packageName;
  }
}

export class NoSessionError extends DevCloudError {
  constructor(what: string) {
    super('NO_SESSION', `no running session ${what}`);
  }
}

/** The session exists but its app has no open socket right now (it dropped and did not come back). */
export class NotConnectedError extends DevCloudError {
  readonly sessionId: string;

  constructor(sessionId: string) {
    super('NOT_CONNECTED', `session ${sessionId} has no open connection`);
    this.sessionId = sessionId;
  }
}

/** The session_request webhook failed on every attempt and the app never connected. */
export class WebhookFailedError extends DevCloudError {
  constructor(packageName: string, detail: string, options?: { cause?: unknown }) {
    super('WEBHOOK_FAILED', `the session_request webhook of ${packageName} failed: ${detail}`, options);
  }
}

/** The app answered the webhook but never sent a valid tpa_connection_init for the session. */
export class AppNeverConnectedError extends DevCloudError {
  constructor(packageName: string, sessionId: string, waitedMs: number) {
    super(
      'APP_NEVER_CONNECTED',
      `${packageName} answered the session_request webhook but never connected session ${sessionId} (waited ${waitedMs} ms for its tpa_connection_init)`,
    );
  }
}

/** A start that was overtaken by a stop, a newer start of the same app or the cloud closing. */
export class StartCancelledError extends DevCloudError {
  constructor(sessionId: string, why: string) {
    super('START_CANCELLED', `start of session ${sessionId} was cancelled: ${why}`);
  }
}

export class DevCloudTimeoutError extends DevCloudError {
  constructor(message: string) {
    super('TIMEOUT', message);
  }
}

export class CloudClosedError extends DevCloudError {
  constructor() {
    super('CLOUD_CLOSED', 'the dev cloud is closed');
  }
}
