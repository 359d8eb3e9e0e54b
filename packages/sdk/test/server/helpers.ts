import { buildSessionWebhookRequest, buildStopWebhookRequest, makeSessionId } from '@tpa/sdk/protocol';

export const PACKAGE = 'com.example.server-test';
export const API_KEY = 'server-test-key';

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
  readonly contentType: string | null;
}

/** POSTs `body` (an object is sent as JSON, a string as it is). */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
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
    // not JSON: the test will look at `text`
  }
  return { status: response.status, body, text, contentType: response.headers.get('content-type') };
}

export function sessionRequest(user: string, websocketUrl: string): ReturnType<typeof buildSessionWebhookRequest> {
  return buildSessionWebhookRequest({ sessionId: makeSessionId(user, PACKAGE), userId: user, websocketUrl });
}

export function stopRequest(user: string): ReturnType<typeof buildStopWebhookRequest> {
  return buildStopWebhookRequest({ sessionId: makeSessionId(user, PACKAGE), userId: user, reason: 'user_disabled' });
}
