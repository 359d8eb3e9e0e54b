import { expect } from 'vitest';

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
  readonly contentType: string | null;
}

/** POSTs `body` as it is (text or bytes) or, for anything else, as JSON. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
  return read(response);
}

export async function get(url: string): Promise<HttpResult> {
  return read(await fetch(url));
}

async function read(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: the assertions on `contentType` and `body` say so.
  }
  return { status: response.status, body, text, contentType: response.headers.get('content-type') };
}

/** A 4xx answered as `{status:'error', message}` JSON, with nothing of the server's insides in it. */
export function expectJsonError(response: HttpResult, status: number, message: RegExp = /./): void {
  expect(response.status, response.text).toBe(status);
  expect(response.contentType).toMatch(/application\/json/);
  expect(response.body.status).toBe('error');
  expect(String(response.body.message)).toMatch(message);
  expect(String(response.body.message).trim()).not.toBe('');
  // No HTML error page, no stack frame, no source path.
  expect(response.text).not.toMatch(/<html|\bat\s+\S+\s*\(|\.ts:\d+|node_modules/i);
}
