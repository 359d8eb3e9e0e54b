import { webhookError, webhookSuccess } from '../protocol/index.js';
import type { SessionEndReason } from '../session/index.js';

/** What a webhook is answered with. */
export interface WebhookOutcome {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A session_request being served; a stop_request for its id cancels it. */
export interface StartAttempt {
  readonly outcome: Promise<WebhookOutcome>;
  readonly cancellation: { cancelled: boolean };
  /** The request's `timestamp`: a retry of the same request carries the same one. */
  readonly timestamp: string | number;
}

export const success = (message?: string): WebhookOutcome => ({ status: 200, body: webhookSuccess(message) });
export const failure = (status: number, message: string, extra: Record<string, unknown> = {}): WebhookOutcome => ({
  status,
  body: { ...webhookError(message), ...extra },
});

/** The answer for a session whose onSession returned: it may have ended meanwhile. */
export function outcomeOfStarted(ended: SessionEndReason | undefined): WebhookOutcome {
  if (!ended) return success();
  if (ended.kind === 'stopped_by_user') return success('the session was stopped while it started');
  if (ended.kind === 'server_shutdown') return failure(503, 'the server is shutting down');
  return failure(500, 'Failed to connect', { code: 'SESSION_ENDED', reason: ended.kind });
}
