import { webhookError, webhookSuccess, type WireTimestamp } from '../protocol/index.js';
import type { SessionEndReason } from '../session/index.js';

/** What a webhook is answered with. */
export interface WebhookOutcome {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export const success = (message?: string): WebhookOutcome => ({ status: 200, body: webhookSuccess(message) });
export const failure = (status: number, message: string, extra: Record<string, unknown> = {}): WebhookOutcome => ({
  status,
  body: { ...webhookError(message), ...extra },
});

/** The answer to a webhook sent before the running session's own session_request: it changes nothing. */
export function staleRequest(type: 'session_request' | 'stop_request', timestamp: WireTimestamp, current: WireTimestamp): WebhookOutcome {
  const message = `stale ${type}: dated ${String(timestamp)}, before the running session's session_request (${String(current)}); the running session is left alone`;
  return failure(409, message, { code: 'STALE_REQUEST' });
}

/** The answer for a session whose start finished (or was cut short): it may have ended meanwhile. */
export function outcomeOfStarted(ended: SessionEndReason | undefined): WebhookOutcome {
  if (!ended) return success();
  if (ended.kind === 'stopped_by_user') return success('the session was stopped while it started');
  // The cloud has since sent a newer request for this id; that one now runs.
  if (ended.kind === 'replaced') return success('replaced by a newer session_request for this session');
  if (ended.kind === 'server_shutdown') return failure(503, 'the server is shutting down');
  return failure(500, 'Failed to connect', { code: 'SESSION_ENDED', reason: ended.kind });
}

/** The answer for a session that ended before it could connect. */
export function outcomeOfUnstarted(ended: SessionEndReason | undefined): WebhookOutcome {
  if (ended?.kind === 'stopped_by_user') return failure(409, 'a stop_request for this session arrived before it started', { code: 'STOPPED' });
  return outcomeOfStarted(ended);
}
