import { describe, expect, it } from 'vitest';
import {
  buildSessionWebhookRequest,
  buildStopWebhookRequest,
  parseSettingsRequest,
  parseWebhookRequest,
  SIGNATURE_HEADER,
  SIGNATURE_TIMESTAMP_HEADER,
  signWebhook,
  verifyWebhookSignature,
  websocketUrlOf,
} from '@tpa/sdk/protocol';

describe('webhooks', () => {
  it('sends the socket URL as every real cloud does (augmentOSWebsocketUrl only) and reads either name', () => {
    const request = buildSessionWebhookRequest({ sessionId: 'a-com.x', userId: 'a', websocketUrl: 'ws://127.0.0.1:1/tpa-ws' });
    expect(request).toMatchObject({ augmentOSWebsocketUrl: 'ws://127.0.0.1:1/tpa-ws' });
    expect(request).not.toHaveProperty('mentraOSWebsocketUrl');
    const later = parseWebhookRequest({ type: 'session_request', sessionId: 'a-com.x', userId: 'a', timestamp: new Date().toISOString(), mentraOSWebsocketUrl: 'wss://cloud.example/tpa-ws' });
    expect(later.ok && later.value.type === 'session_request' && websocketUrlOf(later.value)).toBe('wss://cloud.example/tpa-ws');
  });

  it('round-trips a stop request', () => {
    const stop = buildStopWebhookRequest({ sessionId: 'a-com.x', userId: 'a', reason: 'user_disabled' });
    expect(parseWebhookRequest(JSON.stringify(stop))).toEqual({ ok: true, value: stop });
  });

  it.each([
    ['{"type":', 'INVALID_JSON'],
    ['[]', 'NOT_AN_OBJECT'],
    ['{"type":"session_started"}', 'UNKNOWN_TYPE'],
    ['{"type":"session_request","userId":"a","timestamp":"2025-01-01T00:00:00Z"}', 'INVALID_MESSAGE'],
    ['{"type":"session_request","sessionId":"s","userId":"a","timestamp":"2025-01-01T00:00:00Z","augmentOSWebsocketUrl":"not a url"}', 'INVALID_MESSAGE'],
    ['{"type":"stop_request","sessionId":"s","userId":"a","timestamp":"2025-01-01T00:00:00Z","reason":"tired"}', 'INVALID_MESSAGE'],
  ])('refuses %s with %s', (body, code) => {
    expect(parseWebhookRequest(body)).toMatchObject({ ok: false, error: { code } });
  });

  it('parses the settings route body', () => {
    expect(parseSettingsRequest('{"userIdForSettings":"a","settings":[{"type":"text","key":"k","label":"K"}]}').ok).toBe(true);
    expect(parseSettingsRequest('{"settings":[]}')).toMatchObject({ ok: false, error: { message: /userIdForSettings/ } });
  });
});

describe('webhook signatures', () => {
  const secret = 'shh';
  const body = JSON.stringify({ type: 'stop_request' });
  const now = 1_750_000_000_000;

  it('verifies a signature it made', () => {
    const headers = signWebhook(secret, body, now);
    expect(verifyWebhookSignature(secret, body, { signature: headers[SIGNATURE_HEADER], timestamp: headers[SIGNATURE_TIMESTAMP_HEADER] }, { now })).toEqual({ ok: true });
  });

  it('refuses a missing, malformed, tampered, foreign or stale signature', () => {
    const headers = signWebhook(secret, body, now);
    const given = { signature: headers[SIGNATURE_HEADER], timestamp: headers[SIGNATURE_TIMESTAMP_HEADER] };
    expect(verifyWebhookSignature(secret, body, {}, { now })).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifyWebhookSignature(secret, body, { ...given, signature: 'v1=abc' }, { now })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyWebhookSignature(secret, `${body} `, given, { now })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('other', body, given, { now })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(secret, body, given, { now: now + 10 * 60_000 })).toMatchObject({ ok: false, reason: 'expired' });
  });
});
