import { signWebhook, type WebhookRequest } from '@tpa/sdk/protocol';
import type { Logger } from '@tpa/sdk/logging';
import { RequestFailure, sendJsonRequest, type HttpAnswer } from './json-request.js';

/** The real cloud's retry: one more attempt, a second after the first failed. */
export const WEBHOOK_RETRY_DELAY_MS = 1000;

export interface WebhookPolicy {
  readonly timeoutMs: number;
  /** Further attempts after a failed one. */
  readonly retries: number;
  readonly retryDelayMs: number;
  /** When set, every webhook carries an HMAC signature (see `signWebhook`). */
  readonly secret?: string | undefined;
}

/** Every attempt of a webhook failed; `detail` says how the last one did. */
export class WebhookDeliveryError extends Error {
  readonly attempts: number;
  readonly detail: string;

  constructor(detail: string, attempts: number) {
    super(`${detail} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`);
    this.name = 'WebhookDeliveryError';
    this.detail = detail;
    this.attempts = attempts;
  }
}

function describeAnswer(answer: HttpAnswer): string {
  const text = answer.text.length > 200 ? `${answer.text.slice(0, 200)}...` : answer.text;
  return `HTTP ${answer.status}${text ? `: ${text}` : ''}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * POSTs a webhook to an app as the real cloud does: a failed attempt (no answer in time, no
 * connection, or a status other than 2xx) is retried `policy.retries` times after a pause.
 * Resolves with the app's answer; rejects with a {@link WebhookDeliveryError}, or at once with a
 * `RequestFailure` of kind `aborted` when `signal` fires.
 */
export async function sendWebhook(
  url: string,
  webhook: WebhookRequest,
  policy: WebhookPolicy,
  options: { readonly signal?: AbortSignal; readonly logger: Logger },
): Promise<HttpAnswer> {
  const body = JSON.stringify(webhook);
  const attempts = policy.retries + 1;
  let lastDetail = 'not sent';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) {
      await sleep(policy.retryDelayMs, options.signal);
    }
    if (options.signal?.aborted) throw new RequestFailure('aborted', 'the webhook was cancelled');
    const headers = policy.secret ? signWebhook(policy.secret, body) : {};
    try {
      const answer = await sendJsonRequest({
        method: 'POST',
        url,
        body,
        headers,
        timeoutMs: policy.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (answer.status >= 200 && answer.status < 300) return answer;
      lastDetail = describeAnswer(answer);
    } catch (error) {
      if (error instanceof RequestFailure && error.kind === 'aborted') throw error;
      lastDetail = error instanceof Error ? error.message : String(error);
    }
    options.logger.warn({ url, type: webhook.type, sessionId: webhook.sessionId, attempt, attempts, detail: lastDetail }, 'webhook attempt failed');
  }
  throw new WebhookDeliveryError(lastDetail, attempts);
}
