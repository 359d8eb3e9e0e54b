import http from 'node:http';
import type { WebhookBatchResult } from './peer-api.js';

/** Answers shorter than this are shown whole in a failure; longer ones are cut. */
const SHOWN_BODY_CHARS = 200;

/**
 * How many webhooks are in flight at once. A burst of a thousand connections would overflow an
 * app server's default listen backlog (511) and cost a SYN retransmit (1 s), measuring the
 * kernel rather than the library.
 */
export const WEBHOOK_CONCURRENCY = 100;

/**
 * POSTs webhooks the way the cloud does: JSON bodies, up to {@link WEBHOOK_CONCURRENCY} at a
 * time, one connection each (so that no idle keep-alive socket is left behind in the client
 * being measured).
 */
export class WebhookSender {
  private readonly agent = new http.Agent({ keepAlive: false, maxSockets: WEBHOOK_CONCURRENCY });

  /** POSTs every body to `url` and counts the 2xx answers. */
  async postAll(url: string, bodies: readonly object[], timeoutMs: number): Promise<WebhookBatchResult> {
    const outcomes = await Promise.allSettled(bodies.map((body) => this.post(url, body, timeoutMs)));
    const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    const first = failures[0]?.reason as unknown;
    return {
      succeeded: outcomes.length - failures.length,
      failed: failures.length,
      firstFailure: first === undefined ? null : first instanceof Error ? first.message : String(first),
    };
  }

  close(): void {
    this.agent.destroy();
  }

  private post(url: string, body: object, timeoutMs: number): Promise<void> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          timeout: timeoutMs,
        },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (part: Buffer) => parts.push(part));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`HTTP ${status}: ${Buffer.concat(parts).toString('utf8').slice(0, SHOWN_BODY_CHARS)}`));
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(payload);
    });
  }
}
