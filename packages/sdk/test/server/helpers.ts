import { buildSessionWebhookRequest, buildStopWebhookRequest, makeSessionId } from '@tpa/sdk/protocol';

export const PACKAGE = 'com.example.server-test';
export const API_KEY = 'server-test-key';

/** The test kit's HTTP client, under the names these tests use. */
export { getJson as get, postJson as post, type HttpReply as HttpResult } from '@tpa/sdk/testing';

export function sessionRequest(user: string, websocketUrl: string): ReturnType<typeof buildSessionWebhookRequest> {
  return buildSessionWebhookRequest({ sessionId: makeSessionId(user, PACKAGE), userId: user, websocketUrl });
}

export function stopRequest(user: string): ReturnType<typeof buildStopWebhookRequest> {
  return buildStopWebhookRequest({ sessionId: makeSessionId(user, PACKAGE), userId: user, reason: 'user_disabled' });
}
