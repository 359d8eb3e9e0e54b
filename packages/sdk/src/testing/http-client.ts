/** What a test sees of an HTTP answer: the status, the JSON body (or `{}`), the raw text and its type. */
export interface HttpReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
  readonly contentType: string | null;
}

/**
 * POSTs to a TPA server (or the dev cloud) as the cloud would: a string or Buffer is sent as it is
 * (to test malformed bodies), anything else as JSON.
 *
 * @example
 * ```ts
 * const reply = await postJson(`${url}/webhook`, buildSessionWebhookRequest({ sessionId, userId, websocketUrl }));
 * expect(reply.status).toBe(200);
 * ```
 */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return readReply(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload }));
}

export async function getJson(url: string): Promise<HttpReply> {
  return readReply(await fetch(url));
}

async function readReply(response: Response): Promise<HttpReply> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: `text` and `contentType` say what it was.
  }
  return { status: response.status, body, text, contentType: response.headers.get('content-type') };
}
