import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The largest answer the dev cloud reads from an app. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface JsonRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** Sent as it is, with `content-type: application/json`. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/** Why a request got no answer: `timeout`, `aborted`, or `network` (refused, reset, bad URL, ...). */
export class RequestFailure extends Error {
  readonly kind: 'timeout' | 'aborted' | 'network';

  constructor(kind: RequestFailure['kind'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RequestFailure';
    this.kind = kind;
  }
}

/**
 * One HTTP request to an app, on a connection of its own that is closed afterwards (no agent,
 * no keep-alive), so that nothing outlives the call. Resolves with any status; rejects with a
 * {@link RequestFailure} when there is no answer in time.
 */
export function sendJsonRequest(options: JsonRequest): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new RequestFailure('aborted', 'the request was cancelled'));
      return;
    }
    const url = new URL(options.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { accept: 'application/json', connection: 'close', ...options.headers };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const req = send(url, { method: options.method, headers, agent: false });
    const fail = (failure: RequestFailure): void => {
      finish(() => reject(failure));
      req.destroy();
    };
    const onAbort = (): void => fail(new RequestFailure('aborted', 'the request was cancelled'));
    const timer = setTimeout(() => fail(new RequestFailure('timeout', `no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => fail(new RequestFailure('network', error.message, { cause: error })));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > MAX_RESPONSE_BYTES) {
          fail(new RequestFailure('network', `answer larger than ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
      res.on('error', (error) => fail(new RequestFailure('network', error.message, { cause: error })));
    });
    req.end(options.body);
  });
}
